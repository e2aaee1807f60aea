source_filename = "mixed"

define void @mixed(double* noalias %a, i8* noalias %q, i16* noalias %u, float* noalias %f, double* noalias %d, i32* noalias %z, i16* noalias %w, i8* noalias %m, float* noalias %r, i64* noalias %s) {
entry:
	%t = alloca i64
	%g = alloca [2 x float]
	store i64 0, i64* %t
	br label %g.zero.header

g.zero.header:
	%g.zero = phi i32 [ 0, %entry ], [ %g.zero.next, %g.zero.latch ]
	%0 = icmp slt i32 %g.zero, 2
	br i1 %0, label %g.zero.body, label %g.zero.exit

g.zero.body:
	%1 = getelementptr [2 x float], [2 x float]* %g, i32 0, i32 %g.zero
	store float 0.0, float* %1
	br label %g.zero.latch

g.zero.latch:
	%g.zero.next = add i32 %g.zero, 1
	br label %g.zero.header

g.zero.exit:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %g.zero.exit ], [ %i.next, %i.latch ]
	%2 = icmp slt i32 %i, 6
	br i1 %2, label %i.body, label %i.exit

i.body:
	%3 = getelementptr double, double* %d, i32 %i
	%4 = getelementptr double, double* %a, i32 %i
	%5 = load double, double* %4
	%6 = call double @fabs(double %5)
	%7 = call double @sqrt(double %6)
	%8 = call double @fmin(double %7, double 1.5)
	%9 = getelementptr double, double* %a, i32 %i
	%10 = load double, double* %9
	%11 = call double @floor(double %10)
	%12 = getelementptr double, double* %a, i32 %i
	%13 = load double, double* %12
	%14 = fneg double %13
	%15 = fmul double %11, %14
	%16 = fadd double %8, %15
	store double %16, double* %3
	%17 = getelementptr i32, i32* %z, i32 %i
	%18 = getelementptr i8, i8* %q, i32 %i
	%19 = load i8, i8* %18
	%20 = sext i8 %19 to i32
	%21 = mul i32 %20, -3
	%22 = getelementptr i8, i8* %q, i32 %i
	%23 = load i8, i8* %22
	%24 = sext i8 %23 to i32
	%25 = srem i32 %24, 4
	%26 = add i32 %21, %25
	%27 = getelementptr i8, i8* %q, i32 %i
	%28 = load i8, i8* %27
	%29 = sext i8 %28 to i32
	%30 = sdiv i32 %29, 3
	%31 = icmp sgt i32 -2, %30
	%32 = select i1 %31, i32 -2, i32 %30
	%33 = sub i32 %26, %32
	store i32 %33, i32* %17
	%34 = getelementptr i16, i16* %w, i32 %i
	%35 = getelementptr i16, i16* %u, i32 %i
	%36 = load i16, i16* %35
	%37 = udiv i16 %36, 3
	%38 = getelementptr i16, i16* %u, i32 %i
	%39 = load i16, i16* %38
	%40 = urem i16 %39, 5
	%41 = add i16 %37, %40
	%42 = getelementptr i16, i16* %u, i32 %i
	%43 = load i16, i16* %42
	%44 = icmp ult i16 7, %43
	%45 = select i1 %44, i16 7, i16 %43
	%46 = sub i16 %41, %45
	store i16 %46, i16* %34
	%47 = getelementptr i8, i8* %m, i32 %i
	%48 = getelementptr double, double* %a, i32 %i
	%49 = load double, double* %48
	%50 = fcmp ogt double %49, 0.0
	br i1 %50, label %and.rhs, label %and.end

and.rhs:
	%51 = getelementptr i8, i8* %q, i32 %i
	%52 = load i8, i8* %51
	%53 = icmp eq i8 %52, 0
	%54 = xor i1 %53, true
	br label %and.end

and.end:
	%55 = phi i1 [ false, %i.body ], [ %54, %and.rhs ]
	br i1 %55, label %or.end, label %or.rhs

or.rhs:
	%56 = sext i32 %i to i64
	%57 = srem i64 %56, 3
	%58 = icmp eq i64 %57, 0
	br label %or.end

or.end:
	%59 = phi i1 [ true, %and.end ], [ %58, %or.rhs ]
	%60 = zext i1 %59 to i8
	store i8 %60, i8* %47
	%61 = sext i32 %i to i64
	%62 = icmp slt i64 %61, 5
	br i1 %62, label %and.rhs.1, label %and.end.1

and.rhs.1:
	%63 = getelementptr float, float* %f, i32 %i
	%64 = load float, float* %63
	%65 = fcmp ogt float %64, 0.0
	br label %and.end.1

and.end.1:
	%66 = phi i1 [ false, %or.end ], [ %65, %and.rhs.1 ]
	br i1 %66, label %if.then, label %if.else

if.then:
	%67 = getelementptr float, float* %r, i32 %i
	%68 = getelementptr float, float* %f, i32 %i
	%69 = load float, float* %68
	%70 = fcmp olt float %69, 0.0
	%71 = getelementptr float, float* %f, i32 %i
	%72 = load float, float* %71
	%73 = fneg float %72
	%74 = getelementptr double, double* %a, i32 %i
	%75 = load double, double* %74
	%76 = fptrunc double %75 to float
	%77 = select i1 %70, float %73, float %76
	%78 = fdiv float %77, 3.0
	store float %78, float* %67
	br label %if.end

if.else:
	%79 = getelementptr float, float* %r, i32 %i
	%80 = getelementptr float, float* %f, i32 %i
	%81 = load float, float* %80
	%82 = fmul float %81, 2.5
	%83 = fptosi float %82 to i64
	%84 = trunc i64 %83 to i32
	%85 = sitofp i32 %84 to float
	%86 = getelementptr i16, i16* %u, i32 %i
	%87 = load i16, i16* %86
	%88 = uitofp i16 %87 to float
	%89 = fadd float %85, %88
	%90 = getelementptr i8, i8* %m, i32 %i
	%91 = load i8, i8* %90
	%92 = trunc i8 %91 to i1
	%93 = uitofp i1 %92 to float
	%94 = fadd float %89, %93
	%95 = getelementptr [2 x float], [2 x float]* %g, i32 0, i32 1
	%96 = load float, float* %95
	%97 = fadd float %94, %96
	store float %97, float* %79
	br label %if.end

if.end:
	%98 = load i64, i64* %t
	%99 = getelementptr i8, i8* %q, i32 %i
	%100 = load i8, i8* %99
	%101 = sext i8 %100 to i64
	%102 = sext i32 %i to i64
	%103 = mul i64 %101, %102
	%104 = add i64 %98, %103
	store i64 %104, i64* %t
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	%105 = getelementptr i64, i64* %s, i32 0
	%106 = load i64, i64* %t
	store i64 %106, i64* %105
	ret void
}

declare double @fabs(double %0)

declare double @floor(double %0)

declare double @fmin(double %0, double %1)

declare double @sqrt(double %0)
