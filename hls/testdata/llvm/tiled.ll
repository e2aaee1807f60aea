source_filename = "tiled"

define void @tiled(float* noalias %a, float* noalias %s, float* noalias %l) {
entry:
	br label %i.outer.header

i.outer.header:
	%i.outer = phi i32 [ 0, %entry ], [ %i.outer.next, %i.outer.latch ]
	%0 = icmp slt i32 %i.outer, 4
	br i1 %0, label %i.outer.body, label %i.outer.exit

i.outer.body:
	br label %i.inner.header

i.inner.header:
	%i.inner = phi i32 [ 0, %i.outer.body ], [ %i.inner.next, %i.inner.latch ]
	%1 = icmp slt i32 %i.inner, 16
	br i1 %1, label %i.inner.body, label %i.inner.exit

i.inner.body:
	%2 = mul i32 16, %i.outer
	%3 = add i32 %2, %i.inner
	%4 = getelementptr float, float* %s, i32 %3
	%5 = mul i32 16, %i.outer
	%6 = add i32 %5, %i.inner
	%7 = getelementptr float, float* %a, i32 %6
	%8 = load float, float* %7
	%9 = fmul float %8, 2.0
	store float %9, float* %4
	br label %i.inner.latch

i.inner.latch:
	%i.inner.next = add i32 %i.inner, 1
	br label %i.inner.header, !llvm.loop !0

i.inner.exit:
	br label %i.outer.latch

i.outer.latch:
	%i.outer.next = add i32 %i.outer, 1
	br label %i.outer.header

i.outer.exit:
	br label %r.header

r.header:
	%r = phi i32 [ 0, %i.outer.exit ], [ %r.next, %r.latch ]
	%10 = icmp slt i32 %r, 8
	br i1 %10, label %r.body, label %r.exit

r.body:
	%11 = add i32 %r, 1
	br label %q.header

q.header:
	%q = phi i32 [ 0, %r.body ], [ %q.next, %q.latch ]
	%12 = icmp slt i32 %q, %11
	br i1 %12, label %q.body, label %q.exit

q.body:
	%13 = mul i32 %r, 8
	%14 = mul i32 -1, %q
	%15 = add i32 %r, %14
	%16 = add i32 %13, %15
	%17 = getelementptr float, float* %l, i32 %16
	%18 = mul i32 8, %r
	%19 = add i32 %18, %q
	%20 = getelementptr float, float* %a, i32 %19
	%21 = load float, float* %20
	store float %21, float* %17
	br label %q.latch

q.latch:
	%q.next = add i32 %q, 1
	br label %q.header

q.exit:
	br label %r.latch

r.latch:
	%r.next = add i32 %r, 1
	br label %r.header

r.exit:
	br label %e.header

e.header:
	%e = phi i32 [ 0, %r.exit ], [ %e.next, %e.latch ]
	%22 = icmp slt i32 %e, 64
	br i1 %22, label %e.body, label %e.exit

e.body:
	%23 = add i32 %e, 1
	%24 = getelementptr float, float* %s, i32 %23
	%25 = getelementptr float, float* %a, i32 %e
	%26 = load float, float* %25
	store float %26, float* %24
	br label %e.latch

e.latch:
	%e.next = add i32 %e, 2
	br label %e.header

e.exit:
	ret void
}

!0 = distinct !{!0, !1}
!1 = !{!"llvm.loop.unroll.count", i32 4}
