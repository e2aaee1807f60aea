source_filename = "lowered_conv1d"

@conv1d.w = internal constant [18 x float] [float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75, float 0.0, float -0.75, float 0.125, float -0.625, float 0.25, float -0.5]
@conv1d.b = internal constant [3 x float] [float -0.75, float 0.125, float -0.625]

define void @conv1d(float* noalias %x, float* noalias %y) {
entry:
	%acc = alloca float
	store float 0.0, float* %acc
	br label %n.header

n.header:
	%n = phi i32 [ 0, %entry ], [ %n.next, %n.latch ]
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %n.body, label %n.exit

n.body:
	br label %m.header

m.header:
	%m = phi i32 [ 0, %n.body ], [ %m.next, %m.latch ]
	%1 = icmp slt i32 %m, 3
	br i1 %1, label %m.body, label %m.exit

m.body:
	br label %o.header

o.header:
	%o = phi i32 [ 0, %m.body ], [ %o.next, %o.latch ]
	%2 = icmp slt i32 %o, 8
	br i1 %2, label %o.body, label %o.exit

o.body:
	%3 = getelementptr [3 x float], [3 x float]* @conv1d.b, i32 0, i32 %m
	%4 = load float, float* %3
	store float %4, float* %acc
	br label %c.header

c.header:
	%c = phi i32 [ 0, %o.body ], [ %c.next, %c.latch ]
	%5 = icmp slt i32 %c, 2
	br i1 %5, label %c.body, label %c.exit

c.body:
	br label %k.header

k.header:
	%k = phi i32 [ 0, %c.body ], [ %k.next, %k.latch ]
	%6 = icmp slt i32 %k, 3
	br i1 %6, label %k.body, label %k.exit

k.body:
	%7 = sext i32 %o to i64
	%8 = sext i32 %k to i64
	%9 = add i64 %7, %8
	%10 = icmp sge i64 %9, 1
	br i1 %10, label %and.rhs, label %and.end

and.rhs:
	%11 = sext i32 %o to i64
	%12 = sext i32 %k to i64
	%13 = add i64 %11, %12
	%14 = icmp slt i64 %13, 9
	br label %and.end

and.end:
	%15 = phi i1 [ false, %k.body ], [ %14, %and.rhs ]
	br i1 %15, label %if.then, label %if.end

if.then:
	%16 = load float, float* %acc
	%17 = mul i32 %n, 16
	%18 = mul i32 %c, 8
	%19 = add i32 %17, %18
	%20 = add i32 %o, %k
	%21 = add i32 %20, -1
	%22 = add i32 %19, %21
	%23 = getelementptr float, float* %x, i32 %22
	%24 = load float, float* %23
	%25 = mul i32 %m, 6
	%26 = mul i32 %c, 3
	%27 = add i32 %25, %26
	%28 = add i32 %27, %k
	%29 = getelementptr [18 x float], [18 x float]* @conv1d.w, i32 0, i32 %28
	%30 = load float, float* %29
	%31 = fmul float %24, %30
	%32 = fadd float %16, %31
	store float %32, float* %acc
	br label %if.end

if.end:
	br label %k.latch

k.latch:
	%k.next = add i32 %k, 1
	br label %k.header

k.exit:
	br label %c.latch

c.latch:
	%c.next = add i32 %c, 1
	br label %c.header

c.exit:
	%33 = mul i32 %n, 24
	%34 = mul i32 %m, 8
	%35 = add i32 %33, %34
	%36 = add i32 %35, %o
	%37 = getelementptr float, float* %y, i32 %36
	%38 = load float, float* %acc
	store float %38, float* %37
	br label %o.latch

o.latch:
	%o.next = add i32 %o, 1
	br label %o.header

o.exit:
	br label %m.latch

m.latch:
	%m.next = add i32 %m, 1
	br label %m.header

m.exit:
	br label %n.latch

n.latch:
	%n.next = add i32 %n, 1
	br label %n.header

n.exit:
	ret void
}
