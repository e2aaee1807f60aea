source_filename = "conv1d_pad"

@conv1d.w = internal constant [18 x float] [float 0.5, float -0.25, float 1.0, float 0.125, float 2.0, float -1.0, float 0.0, float 0x3FB99999A0000000, float 3.0, float 1.5, float -2.5, float 0.75, float 1.0, float 1.0, float 1.0, float -1.0, float -1.0, float -1.0]
@conv1d.b = internal constant [3 x float] [float 0.0, float 0.5, float -0.5]

define void @conv1d(float* noalias %x, float* noalias %y) {
entry:
	%acc = alloca float
	store float 0.0, float* %acc
	br label %o.header

o.header:
	%o = phi i32 [ 0, %entry ], [ %o.next, %o.latch ]
	%0 = icmp slt i32 %o, 3
	br i1 %0, label %o.body, label %o.exit

o.body:
	br label %t.header

t.header:
	%t = phi i32 [ 0, %o.body ], [ %t.next, %t.latch ]
	%1 = icmp slt i32 %t, 16
	br i1 %1, label %t.body, label %t.exit

t.body:
	%2 = getelementptr [3 x float], [3 x float]* @conv1d.b, i32 0, i32 %o
	%3 = load float, float* %2
	store float %3, float* %acc
	br label %c.header

c.header:
	%c = phi i32 [ 0, %t.body ], [ %c.next, %c.latch ]
	%4 = icmp slt i32 %c, 2
	br i1 %4, label %c.body, label %c.exit

c.body:
	br label %k.header

k.header:
	%k = phi i32 [ 0, %c.body ], [ %k.next, %k.latch ]
	%5 = icmp slt i32 %k, 3
	br i1 %5, label %k.body, label %k.exit

k.body:
	%6 = sext i32 %t to i64
	%7 = sext i32 %k to i64
	%8 = add i64 %6, %7
	%9 = icmp sge i64 %8, 1
	br i1 %9, label %and.rhs, label %and.end

and.rhs:
	%10 = sext i32 %t to i64
	%11 = sext i32 %k to i64
	%12 = add i64 %10, %11
	%13 = icmp slt i64 %12, 17
	br label %and.end

and.end:
	%14 = phi i1 [ false, %k.body ], [ %13, %and.rhs ]
	br i1 %14, label %if.then, label %if.end

if.then:
	%15 = load float, float* %acc
	%16 = mul i32 %c, 16
	%17 = add i32 %t, %k
	%18 = add i32 %17, -1
	%19 = add i32 %16, %18
	%20 = getelementptr float, float* %x, i32 %19
	%21 = load float, float* %20
	%22 = mul i32 %o, 6
	%23 = mul i32 %c, 3
	%24 = add i32 %22, %23
	%25 = add i32 %24, %k
	%26 = getelementptr [18 x float], [18 x float]* @conv1d.w, i32 0, i32 %25
	%27 = load float, float* %26
	%28 = fmul float %21, %27
	%29 = fadd float %15, %28
	store float %29, float* %acc
	br label %if.end

if.end:
	br label %k.latch

k.latch:
	%k.next = add i32 %k, 1
	br label %k.header, !llvm.loop !0

k.exit:
	br label %c.latch

c.latch:
	%c.next = add i32 %c, 1
	br label %c.header

c.exit:
	%30 = mul i32 %o, 16
	%31 = add i32 %30, %t
	%32 = getelementptr float, float* %y, i32 %31
	%33 = load float, float* %acc
	%34 = call float @fmaxf(float %33, float 0.0)
	store float %34, float* %32
	br label %t.latch

t.latch:
	%t.next = add i32 %t, 1
	br label %t.header

t.exit:
	br label %o.latch

o.latch:
	%o.next = add i32 %o, 1
	br label %o.header

o.exit:
	ret void
}

declare float @fmaxf(float %0, float %1)

!0 = distinct !{!0, !1}
!1 = !{!"llvm.loop.unroll.full"}
