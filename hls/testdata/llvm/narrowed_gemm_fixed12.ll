source_filename = "forward_kernel"

@gemm.w = internal constant [12 x i12] [i12 -192, i12 32, i12 -160, i12 64, i12 -128, i12 96, i12 -96, i12 128, i12 -64, i12 160, i12 -32, i12 192]
@gemm.b = internal constant [4 x i12] [i12 -192, i12 32, i12 -160, i12 64]

define void @gemm(float* noalias %x, float* noalias %y) {
entry:
	%acc = alloca i18
	store i18 0, i18* %acc
	br label %i.header

i.header:
	%i = phi i32 [ 0, %entry ], [ %i.next, %i.latch ]
	%0 = icmp slt i32 %i, 2
	br i1 %0, label %i.body, label %i.exit

i.body:
	br label %j.header

j.header:
	%j = phi i32 [ 0, %i.body ], [ %j.next, %j.latch ]
	%1 = icmp slt i32 %j, 4
	br i1 %1, label %j.body, label %j.exit

j.body:
	store i18 0, i18* %acc
	br label %k.header

k.header:
	%k = phi i32 [ 0, %j.body ], [ %k.next, %k.latch ]
	%2 = icmp slt i32 %k, 3
	br i1 %2, label %k.body, label %k.exit

k.body:
	%3 = load i18, i18* %acc
	%4 = mul i32 %i, 3
	%5 = add i32 %4, %k
	%6 = getelementptr float, float* %x, i32 %5
	%7 = load float, float* %6
	%8 = call i12 @kiln.cast.f32.fixed12_4_rne_sat(float %7)
	%9 = mul i32 %j, 3
	%10 = add i32 %9, %k
	%11 = getelementptr [12 x i12], [12 x i12]* @gemm.w, i32 0, i32 %10
	%12 = load i12, i12* %11
	%13 = sext i12 %8 to i24
	%14 = sext i12 %12 to i24
	%15 = mul i24 %13, %14
	%16 = sext i18 %3 to i25
	%17 = sext i24 %15 to i25
	%18 = shl i25 %16, 4
	%19 = add i25 %18, %17
	%20 = call i18 @kiln.cast.fixed25_9.fixed18_6_rne_sat(i25 %19)
	store i18 %20, i18* %acc
	br label %k.latch

k.latch:
	%k.next = add i32 %k, 1
	br label %k.header

k.exit:
	%21 = mul i32 %i, 4
	%22 = add i32 %21, %j
	%23 = getelementptr float, float* %y, i32 %22
	%24 = load i18, i18* %acc
	%25 = sext i2 1 to i20
	%26 = sext i18 %24 to i20
	%27 = mul i20 %25, %26
	%28 = getelementptr [4 x i12], [4 x i12]* @gemm.b, i32 0, i32 %j
	%29 = load i12, i12* %28
	%30 = sext i20 %27 to i21
	%31 = sext i12 %29 to i21
	%32 = shl i21 %31, 5
	%33 = add i21 %30, %32
	%34 = sitofp i21 %33 to double
	%35 = fmul double %34, 0.0001220703125
	%36 = fptrunc double %35 to float
	store float %36, float* %23
	br label %j.latch

j.latch:
	%j.next = add i32 %j, 1
	br label %j.header

j.exit:
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	ret void
}

define void @forward_kernel(float* noalias %x, float* noalias %y) {
entry:
	call void @gemm(float* %x, float* %y)
	ret void
}

define internal i12 @kiln.cast.f32.fixed12_4_rne_sat(float %x) {
entry:
	%0 = fpext float %x to double
	%1 = fmul double %0, 256.0
	%2 = call double @rint(double %1)
	%3 = fptosi double %2 to i64
	%4 = fcmp olt double %2, -2048.0
	%5 = select i1 %4, i64 -2048, i64 %3
	%6 = fcmp oge double %2, 2048.0
	%7 = select i1 %6, i64 2047, i64 %5
	%8 = trunc i64 %7 to i12
	%9 = fcmp uno double %0, %0
	%10 = select i1 %9, i12 0, i12 %8
	ret i12 %10
}

define internal i18 @kiln.cast.fixed25_9.fixed18_6_rne_sat(i25 %x) {
entry:
	%0 = sext i25 %x to i26
	%1 = ashr i26 %0, 4
	%2 = and i26 %0, 15
	%3 = icmp ugt i26 %2, 8
	%4 = icmp eq i26 %2, 8
	%5 = trunc i26 %1 to i1
	%6 = and i1 %4, %5
	%7 = or i1 %3, %6
	%8 = zext i1 %7 to i26
	%9 = add i26 %1, %8
	%10 = icmp sgt i26 %9, u0x1FFFF
	%11 = select i1 %10, i26 u0x1FFFF, i26 %9
	%12 = icmp slt i26 %11, -131072
	%13 = select i1 %12, i26 -131072, i26 %11
	%14 = trunc i26 %13 to i18
	ret i18 %14
}

declare double @rint(double %0)
