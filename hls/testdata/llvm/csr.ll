source_filename = "csr"

@gcn.rowptr = internal constant [6 x i32] [i32 0, i32 2, i32 3, i32 5, i32 6, i32 8]
@gcn.col = internal constant [8 x i32] [i32 0, i32 1, i32 1, i32 0, i32 2, i32 3, i32 3, i32 4]
@gcn.val = internal constant [8 x float] [float 0.5, float 0.5, float 1.0, float 0.25, float 0.75, float 1.0, float 0.5, float 0.5]

define void @gcn(float* noalias %x, float* noalias %y) {
entry:
	%acc = alloca float
	store float 0.0, float* %acc
	br label %i.header

i.header:
	%i = phi i32 [ 0, %entry ], [ %i.next, %i.latch ]
	%0 = icmp slt i32 %i, 5
	br i1 %0, label %i.body, label %i.exit

i.body:
	br label %f.header

f.header:
	%f = phi i32 [ 0, %i.body ], [ %f.next, %f.latch ]
	%1 = icmp slt i32 %f, 2
	br i1 %1, label %f.body, label %f.exit

f.body:
	store float 0.0, float* %acc
	%2 = getelementptr [6 x i32], [6 x i32]* @gcn.rowptr, i32 0, i32 %i
	%3 = load i32, i32* %2
	%4 = add i32 %i, 1
	%5 = getelementptr [6 x i32], [6 x i32]* @gcn.rowptr, i32 0, i32 %4
	%6 = load i32, i32* %5
	br label %p.header

p.header:
	%p = phi i32 [ %3, %f.body ], [ %p.next, %p.latch ]
	%7 = icmp slt i32 %p, %6
	br i1 %7, label %p.body, label %p.exit

p.body:
	%8 = load float, float* %acc
	%9 = getelementptr [8 x float], [8 x float]* @gcn.val, i32 0, i32 %p
	%10 = load float, float* %9
	%11 = getelementptr [8 x i32], [8 x i32]* @gcn.col, i32 0, i32 %p
	%12 = load i32, i32* %11
	%13 = mul i32 %12, 2
	%14 = add i32 %13, %f
	%15 = getelementptr float, float* %x, i32 %14
	%16 = load float, float* %15
	%17 = fmul float %10, %16
	%18 = fadd float %8, %17
	store float %18, float* %acc
	br label %p.latch

p.latch:
	%p.next = add i32 %p, 1
	br label %p.header

p.exit:
	%19 = mul i32 %i, 2
	%20 = add i32 %19, %f
	%21 = getelementptr float, float* %y, i32 %20
	%22 = load float, float* %acc
	store float %22, float* %21
	br label %f.latch

f.latch:
	%f.next = add i32 %f, 1
	br label %f.header

f.exit:
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	ret void
}
