source_filename = "lstm_step"

@lstm_step.w = internal constant [128 x float] [float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125]
@lstm_step.u = internal constant [64 x float] [float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5, float 0.375, float 0.125, float -0.125, float -0.375, float 0.5, float 0.25, float 0.0, float -0.25, float -0.5]
@lstm_step.b = internal constant [16 x float] [float -0.75, float 0.5, float 0.0, float -0.5, float 0.75, float 0.25, float -0.25, float -0.75, float 0.5, float 0.0, float -0.5, float 0.75, float 0.25, float -0.25, float -0.75, float 0.5]

define void @lstm_step(float* noalias %x, float* noalias %h0, float* noalias %c0, float* noalias %h, float* noalias %c) {
entry:
	%gates = alloca [16 x float]
	%acc = alloca float
	br label %gates.zero.header

gates.zero.header:
	%gates.zero = phi i32 [ 0, %entry ], [ %gates.zero.next, %gates.zero.latch ]
	%0 = icmp slt i32 %gates.zero, 16
	br i1 %0, label %gates.zero.body, label %gates.zero.exit

gates.zero.body:
	%1 = getelementptr [16 x float], [16 x float]* %gates, i32 0, i32 %gates.zero
	store float 0.0, float* %1
	br label %gates.zero.latch

gates.zero.latch:
	%gates.zero.next = add i32 %gates.zero, 1
	br label %gates.zero.header

gates.zero.exit:
	store float 0.0, float* %acc
	br label %g.header

g.header:
	%g = phi i32 [ 0, %gates.zero.exit ], [ %g.next, %g.latch ]
	%2 = icmp slt i32 %g, 16
	br i1 %2, label %g.body, label %g.exit

g.body:
	%3 = getelementptr [16 x float], [16 x float]* @lstm_step.b, i32 0, i32 %g
	%4 = load float, float* %3
	store float %4, float* %acc
	br label %j.header

j.header:
	%j = phi i32 [ 0, %g.body ], [ %j.next, %j.latch ]
	%5 = icmp slt i32 %j, 8
	br i1 %5, label %j.body, label %j.exit

j.body:
	%6 = load float, float* %acc
	%7 = mul i32 %g, 8
	%8 = add i32 %7, %j
	%9 = getelementptr [128 x float], [128 x float]* @lstm_step.w, i32 0, i32 %8
	%10 = load float, float* %9
	%11 = getelementptr float, float* %x, i32 %j
	%12 = load float, float* %11
	%13 = fmul float %10, %12
	%14 = fadd float %6, %13
	store float %14, float* %acc
	br label %j.latch

j.latch:
	%j.next = add i32 %j, 1
	br label %j.header

j.exit:
	br label %j.header.1

j.header.1:
	%j.1 = phi i32 [ 0, %j.exit ], [ %j.next.1, %j.latch.1 ]
	%15 = icmp slt i32 %j.1, 4
	br i1 %15, label %j.body.1, label %j.exit.1

j.body.1:
	%16 = load float, float* %acc
	%17 = mul i32 %g, 4
	%18 = add i32 %17, %j.1
	%19 = getelementptr [64 x float], [64 x float]* @lstm_step.u, i32 0, i32 %18
	%20 = load float, float* %19
	%21 = getelementptr float, float* %h0, i32 %j.1
	%22 = load float, float* %21
	%23 = fmul float %20, %22
	%24 = fadd float %16, %23
	store float %24, float* %acc
	br label %j.latch.1

j.latch.1:
	%j.next.1 = add i32 %j.1, 1
	br label %j.header.1

j.exit.1:
	%25 = getelementptr [16 x float], [16 x float]* %gates, i32 0, i32 %g
	%26 = load float, float* %acc
	store float %26, float* %25
	br label %g.latch

g.latch:
	%g.next = add i32 %g, 1
	br label %g.header

g.exit:
	br label %j.header.2

j.header.2:
	%j.2 = phi i32 [ 0, %g.exit ], [ %j.next.2, %j.latch.2 ]
	%27 = icmp slt i32 %j.2, 4
	br i1 %27, label %j.body.2, label %j.exit.2

j.body.2:
	%28 = getelementptr float, float* %c, i32 %j.2
	%29 = add i32 %j.2, 4
	%30 = getelementptr [16 x float], [16 x float]* %gates, i32 0, i32 %29
	%31 = load float, float* %30
	%32 = fneg float %31
	%33 = call float @expf(float %32)
	%34 = fadd float 1.0, %33
	%35 = fdiv float 1.0, %34
	%36 = getelementptr float, float* %c0, i32 %j.2
	%37 = load float, float* %36
	%38 = fmul float %35, %37
	%39 = getelementptr [16 x float], [16 x float]* %gates, i32 0, i32 %j.2
	%40 = load float, float* %39
	%41 = fneg float %40
	%42 = call float @expf(float %41)
	%43 = fadd float 1.0, %42
	%44 = fdiv float 1.0, %43
	%45 = add i32 %j.2, 8
	%46 = getelementptr [16 x float], [16 x float]* %gates, i32 0, i32 %45
	%47 = load float, float* %46
	%48 = fmul float -2.0, %47
	%49 = call float @expf(float %48)
	%50 = fadd float 1.0, %49
	%51 = fdiv float 2.0, %50
	%52 = fsub float %51, 1.0
	%53 = fmul float %44, %52
	%54 = fadd float %38, %53
	store float %54, float* %28
	%55 = getelementptr float, float* %h, i32 %j.2
	%56 = add i32 %j.2, 12
	%57 = getelementptr [16 x float], [16 x float]* %gates, i32 0, i32 %56
	%58 = load float, float* %57
	%59 = fneg float %58
	%60 = call float @expf(float %59)
	%61 = fadd float 1.0, %60
	%62 = fdiv float 1.0, %61
	%63 = getelementptr float, float* %c, i32 %j.2
	%64 = load float, float* %63
	%65 = fmul float -2.0, %64
	%66 = call float @expf(float %65)
	%67 = fadd float 1.0, %66
	%68 = fdiv float 2.0, %67
	%69 = fsub float %68, 1.0
	%70 = fmul float %62, %69
	store float %70, float* %55
	br label %j.latch.2

j.latch.2:
	%j.next.2 = add i32 %j.2, 1
	br label %j.header.2

j.exit.2:
	ret void
}

declare float @expf(float %0)
