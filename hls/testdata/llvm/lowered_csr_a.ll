source_filename = "lowered_csr_a"

@csr_a.rowptr = internal constant [5 x i32] [i32 0, i32 2, i32 2, i32 4, i32 5]
@csr_a.col = internal constant [5 x i32] [i32 1, i32 4, i32 0, i32 2, i32 4]
@csr_a.val = internal constant [5 x float] [float 0.5, float -1.0, float 2.0, float 0.25, float 3.0]

define void @csr_a(float* noalias %x, float* noalias %y) {
entry:
	%acc = alloca float
	store float 0.0, float* %acc
	br label %b.header

b.header:
	%b = phi i32 [ 0, %entry ], [ %b.next, %b.latch ]
	%0 = icmp slt i32 %b, 2
	br i1 %0, label %b.body, label %b.exit

b.body:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %b.body ], [ %i.next, %i.latch ]
	%1 = icmp slt i32 %i, 4
	br i1 %1, label %i.body, label %i.exit

i.body:
	br label %j.header

j.header:
	%j = phi i32 [ 0, %i.body ], [ %j.next, %j.latch ]
	%2 = icmp slt i32 %j, 3
	br i1 %2, label %j.body, label %j.exit

j.body:
	store float 0.0, float* %acc
	%3 = getelementptr [5 x i32], [5 x i32]* @csr_a.rowptr, i32 0, i32 %i
	%4 = load i32, i32* %3
	%5 = add i32 %i, 1
	%6 = getelementptr [5 x i32], [5 x i32]* @csr_a.rowptr, i32 0, i32 %5
	%7 = load i32, i32* %6
	br label %p.header

p.header:
	%p = phi i32 [ %4, %j.body ], [ %p.next, %p.latch ]
	%8 = icmp slt i32 %p, %7
	br i1 %8, label %p.body, label %p.exit

p.body:
	%9 = load float, float* %acc
	%10 = getelementptr [5 x float], [5 x float]* @csr_a.val, i32 0, i32 %p
	%11 = load float, float* %10
	%12 = mul i32 %b, 15
	%13 = getelementptr [5 x i32], [5 x i32]* @csr_a.col, i32 0, i32 %p
	%14 = load i32, i32* %13
	%15 = mul i32 %14, 3
	%16 = add i32 %12, %15
	%17 = add i32 %16, %j
	%18 = getelementptr float, float* %x, i32 %17
	%19 = load float, float* %18
	%20 = fmul float %11, %19
	%21 = fadd float %9, %20
	store float %21, float* %acc
	br label %p.latch

p.latch:
	%p.next = add i32 %p, 1
	br label %p.header

p.exit:
	%22 = mul i32 %b, 12
	%23 = mul i32 %i, 3
	%24 = add i32 %22, %23
	%25 = add i32 %24, %j
	%26 = getelementptr float, float* %y, i32 %25
	%27 = load float, float* %acc
	store float %27, float* %26
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
	br label %b.latch

b.latch:
	%b.next = add i32 %b, 1
	br label %b.header

b.exit:
	ret void
}
