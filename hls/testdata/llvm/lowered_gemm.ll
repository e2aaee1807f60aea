source_filename = "lowered_gemm"

@gemm.w = internal constant [12 x float] [float -0.75, float 0.125, float -0.625, float 0.25, float -0.5, float 0.375, float -0.375, float 0.5, float -0.25, float 0.625, float -0.125, float 0.75]
@gemm.b = internal constant [4 x float] [float -0.75, float 0.125, float -0.625, float 0.25]

define void @gemm(float* noalias %x, float* noalias %y) {
entry:
	%acc = alloca float
	store float 0.0, float* %acc
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
	store float 0.0, float* %acc
	br label %k.header

k.header:
	%k = phi i32 [ 0, %j.body ], [ %k.next, %k.latch ]
	%2 = icmp slt i32 %k, 3
	br i1 %2, label %k.body, label %k.exit

k.body:
	%3 = load float, float* %acc
	%4 = mul i32 %i, 3
	%5 = add i32 %4, %k
	%6 = getelementptr float, float* %x, i32 %5
	%7 = load float, float* %6
	%8 = mul i32 %j, 3
	%9 = add i32 %8, %k
	%10 = getelementptr [12 x float], [12 x float]* @gemm.w, i32 0, i32 %9
	%11 = load float, float* %10
	%12 = fmul float %7, %11
	%13 = fadd float %3, %12
	store float %13, float* %acc
	br label %k.latch

k.latch:
	%k.next = add i32 %k, 1
	br label %k.header

k.exit:
	%14 = mul i32 %i, 4
	%15 = add i32 %14, %j
	%16 = getelementptr float, float* %y, i32 %15
	%17 = load float, float* %acc
	%18 = fmul float 0.5, %17
	%19 = getelementptr [4 x float], [4 x float]* @gemm.b, i32 0, i32 %j
	%20 = load float, float* %19
	%21 = fadd float %18, %20
	store float %21, float* %16
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
