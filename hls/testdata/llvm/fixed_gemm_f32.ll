source_filename = "fixed_gemm_f32"

@fixed_gemm_f32.w = internal constant [12 x i8] [i8 16, i8 -40, i8 127, i8 -128, i8 1, i8 32, i8 80, i8 -16, i8 0, i8 56, i8 -97, i8 8]

define void @fixed_gemm_f32(float* noalias %x, float* noalias %y) {
entry:
	%a = alloca [4 x i16]
	%acc = alloca i32
	br label %a.zero.header

a.zero.header:
	%a.zero = phi i32 [ 0, %entry ], [ %a.zero.next, %a.zero.latch ]
	%0 = icmp slt i32 %a.zero, 4
	br i1 %0, label %a.zero.body, label %a.zero.exit

a.zero.body:
	%1 = getelementptr [4 x i16], [4 x i16]* %a, i32 0, i32 %a.zero
	store i16 0, i16* %1
	br label %a.zero.latch

a.zero.latch:
	%a.zero.next = add i32 %a.zero, 1
	br label %a.zero.header

a.zero.exit:
	store i32 0, i32* %acc
	br label %n.header

n.header:
	%n = phi i32 [ 0, %a.zero.exit ], [ %n.next, %n.latch ]
	%2 = icmp slt i32 %n, 2
	br i1 %2, label %n.body, label %n.exit

n.body:
	br label %k.header

k.header:
	%k = phi i32 [ 0, %n.body ], [ %k.next, %k.latch ]
	%3 = icmp slt i32 %k, 4
	br i1 %3, label %k.body, label %k.exit

k.body:
	%4 = getelementptr [4 x i16], [4 x i16]* %a, i32 0, i32 %k
	%5 = mul i32 %n, 4
	%6 = add i32 %5, %k
	%7 = getelementptr float, float* %x, i32 %6
	%8 = load float, float* %7
	%9 = call i16 @kiln.cast.f32.fixed16_6_rne_sat(float %8)
	store i16 %9, i16* %4
	br label %k.latch

k.latch:
	%k.next = add i32 %k, 1
	br label %k.header

k.exit:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %k.exit ], [ %i.next, %i.latch ]
	%10 = icmp slt i32 %i, 3
	br i1 %10, label %i.body, label %i.exit

i.body:
	store i32 0, i32* %acc
	br label %k.header.1

k.header.1:
	%k.1 = phi i32 [ 0, %i.body ], [ %k.next.1, %k.latch.1 ]
	%11 = icmp slt i32 %k.1, 4
	br i1 %11, label %k.body.1, label %k.exit.1

k.body.1:
	%12 = load i32, i32* %acc
	%13 = getelementptr [4 x i16], [4 x i16]* %a, i32 0, i32 %k.1
	%14 = load i16, i16* %13
	%15 = mul i32 %k.1, 3
	%16 = add i32 %15, %i
	%17 = getelementptr [12 x i8], [12 x i8]* @fixed_gemm_f32.w, i32 0, i32 %16
	%18 = load i8, i8* %17
	%19 = sext i16 %14 to i24
	%20 = sext i8 %18 to i24
	%21 = mul i24 %19, %20
	%22 = sext i32 %12 to i33
	%23 = sext i24 %21 to i33
	%24 = shl i33 %23, 5
	%25 = add i33 %22, %24
	%26 = call i32 @kiln.cast.fixed33_13.fixed32_12(i33 %25)
	store i32 %26, i32* %acc
	br label %k.latch.1

k.latch.1:
	%k.next.1 = add i32 %k.1, 1
	br label %k.header.1

k.exit.1:
	%27 = mul i32 %n, 3
	%28 = add i32 %27, %i
	%29 = getelementptr float, float* %y, i32 %28
	%30 = load i32, i32* %acc
	%31 = sitofp i32 %30 to double
	%32 = fmul double %31, 9.5367431640625e-07
	%33 = fptrunc double %32 to float
	store float %33, float* %29
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	br label %n.latch

n.latch:
	%n.next = add i32 %n, 1
	br label %n.header

n.exit:
	ret void
}

define internal i16 @kiln.cast.f32.fixed16_6_rne_sat(float %x) {
entry:
	%0 = fpext float %x to double
	%1 = fmul double %0, 1024.0
	%2 = call double @rint(double %1)
	%3 = fptosi double %2 to i64
	%4 = fcmp olt double %2, -32768.0
	%5 = select i1 %4, i64 -32768, i64 %3
	%6 = fcmp oge double %2, 32768.0
	%7 = select i1 %6, i64 u0x7FFF, i64 %5
	%8 = trunc i64 %7 to i16
	%9 = fcmp uno double %0, %0
	%10 = select i1 %9, i16 0, i16 %8
	ret i16 %10
}

define internal i32 @kiln.cast.fixed33_13.fixed32_12(i33 %x) {
entry:
	%0 = trunc i33 %x to i32
	ret i32 %0
}

declare double @rint(double %0)
