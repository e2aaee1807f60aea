source_filename = "kinds"

define void @kinds(float* noalias %a, i8* noalias %q, float* noalias %y, i32* noalias %z, i8* noalias %m, double* noalias %d) {
entry:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %entry ], [ %i.next, %i.latch ]
	%0 = icmp slt i32 %i, 4
	br i1 %0, label %i.body, label %i.exit

i.body:
	%1 = getelementptr float, float* %y, i32 %i
	%2 = getelementptr float, float* %a, i32 %i
	%3 = load float, float* %2
	%4 = fmul float %3, 0.5
	%5 = fpext float %4 to double
	%6 = call float @kiln.round.f16(double %5)
	%7 = call float @fmaxf(float %6, float -1.0)
	store float %7, float* %1
	%8 = getelementptr i32, i32* %z, i32 %i
	%9 = getelementptr i8, i8* %q, i32 %i
	%10 = load i8, i8* %9
	%11 = sext i8 %10 to i32
	%12 = mul i32 %11, -3
	%13 = getelementptr i8, i8* %q, i32 %i
	%14 = load i8, i8* %13
	%15 = sext i8 %14 to i32
	%16 = srem i32 %15, 4
	%17 = add i32 %12, %16
	store i32 %17, i32* %8
	%18 = getelementptr i8, i8* %m, i32 %i
	%19 = getelementptr float, float* %a, i32 %i
	%20 = load float, float* %19
	%21 = fcmp ogt float %20, 0.0
	br i1 %21, label %and.rhs, label %and.end

and.rhs:
	%22 = getelementptr i8, i8* %q, i32 %i
	%23 = load i8, i8* %22
	%24 = icmp eq i8 %23, 0
	%25 = xor i1 %24, true
	br label %and.end

and.end:
	%26 = phi i1 [ false, %i.body ], [ %25, %and.rhs ]
	%27 = zext i1 %26 to i8
	store i8 %27, i8* %18
	%28 = sext i32 %i to i64
	%29 = srem i64 %28, 2
	%30 = icmp eq i64 %29, 0
	br i1 %30, label %if.then, label %if.else

if.then:
	%31 = getelementptr i32, i32* %z, i32 %i
	%32 = getelementptr i8, i8* %q, i32 %i
	%33 = load i8, i8* %32
	%34 = icmp slt i8 %33, 0
	%35 = getelementptr i32, i32* %z, i32 %i
	%36 = load i32, i32* %35
	%37 = sub i32 0, %36
	%38 = getelementptr i32, i32* %z, i32 %i
	%39 = load i32, i32* %38
	%40 = select i1 %34, i32 %37, i32 %39
	store i32 %40, i32* %31
	br label %if.end

if.else:
	%41 = getelementptr float, float* %y, i32 %i
	%42 = getelementptr float, float* %a, i32 %i
	%43 = load float, float* %42
	%44 = call float @powf(float %43, float 2.0)
	%45 = fpext float %44 to double
	%46 = call float @kiln.round.f16(double %45)
	store float %46, float* %41
	br label %if.end

if.end:
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	br label %j.header

j.header:
	%j = phi i32 [ 0, %i.exit ], [ %j.next, %j.latch ]
	%47 = icmp slt i32 %j, 2
	br i1 %47, label %j.body, label %j.exit

j.body:
	%48 = getelementptr double, double* %d, i32 %j
	%49 = sext i32 %j to i64
	%50 = sitofp i64 %49 to double
	%51 = call double @sqrt(double %50)
	%52 = call double @fmin(double %51, double 0x7FF0000000000000)
	%53 = fsub double %52, 0x1A56E1FC2F8F359
	store double %53, double* %48
	br label %j.latch

j.latch:
	%j.next = add i32 %j, 1
	br label %j.header

j.exit:
	ret void
}

define internal float @kiln.round.f16(double %v) {
entry:
	%0 = bitcast double %v to i64
	%1 = shl i64 %0, 1
	%2 = lshr i64 %1, 1
	%3 = bitcast i64 %2 to double
	%4 = lshr i64 %2, 52
	%5 = sub i64 %4, 1023
	%6 = icmp slt i64 %5, -14
	%7 = select i1 %6, i64 -14, i64 %5
	%8 = icmp sgt i64 %7, 16
	%9 = select i1 %8, i64 16, i64 %7
	%10 = add i64 %9, 1065
	%11 = shl i64 %10, 52
	%12 = bitcast i64 %11 to double
	%13 = fadd double %3, %12
	%14 = fsub double %13, %12
	%15 = fcmp ogt double %14, 65504.0
	%16 = select i1 %15, double 0x7FF0000000000000, double %14
	%17 = icmp slt i64 %0, 0
	%18 = fneg double %16
	%19 = select i1 %17, double %18, double %16
	%20 = select i1 %17, double 0xFFF8000000000000, double 0x7FF8000000000000
	%21 = fcmp uno double %v, %v
	%22 = select i1 %21, double %20, double %19
	%23 = fptrunc double %22 to float
	ret float %23
}

declare float @fmaxf(float %0, float %1)

declare double @fmin(double %0, double %1)

declare float @powf(float %0, float %1)

declare double @sqrt(double %0)
