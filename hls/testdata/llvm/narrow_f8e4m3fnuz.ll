source_filename = "narrow_f8e4m3fnuz"

define void @narrow_f8e4m3fnuz(float* noalias %a, float* noalias %b, i64* noalias %n, double* noalias %x, float* noalias %s, float* noalias %d, float* noalias %m, i8* noalias %c, i32* noalias %r, double* noalias %w) {
entry:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %entry ], [ %i.next, %i.latch ]
	%0 = icmp slt i32 %i, 16
	br i1 %0, label %i.body, label %i.exit

i.body:
	%1 = getelementptr float, float* %s, i32 %i
	%2 = getelementptr float, float* %a, i32 %i
	%3 = load float, float* %2
	%4 = getelementptr float, float* %b, i32 %i
	%5 = load float, float* %4
	%6 = fmul float %5, 0.5
	%7 = fpext float %6 to double
	%8 = call float @kiln.round.f8e4m3fnuz(double %7)
	%9 = fadd float %3, %8
	%10 = fpext float %9 to double
	%11 = call float @kiln.round.f8e4m3fnuz(double %10)
	%12 = getelementptr float, float* %a, i32 %i
	%13 = load float, float* %12
	%14 = getelementptr float, float* %b, i32 %i
	%15 = load float, float* %14
	%16 = fdiv float %13, %15
	%17 = fpext float %16 to double
	%18 = call float @kiln.round.f8e4m3fnuz(double %17)
	%19 = fsub float %11, %18
	%20 = fpext float %19 to double
	%21 = call float @kiln.round.f8e4m3fnuz(double %20)
	store float %21, float* %1
	%22 = getelementptr float, float* %d, i32 %i
	%23 = getelementptr float, float* %a, i32 %i
	%24 = load float, float* %23
	%25 = getelementptr float, float* %b, i32 %i
	%26 = load float, float* %25
	%27 = call float @fmaxf(float %24, float %26)
	%28 = getelementptr float, float* %a, i32 %i
	%29 = load float, float* %28
	%30 = fneg float %29
	%31 = fpext float %30 to double
	%32 = call float @kiln.round.f8e4m3fnuz(double %31)
	%33 = getelementptr float, float* %b, i32 %i
	%34 = load float, float* %33
	%35 = fpext float %34 to double
	%36 = call double @fabs(double %35)
	%37 = fptrunc double %36 to float
	%38 = fpext float %37 to double
	%39 = call float @kiln.round.f8e4m3fnuz(double %38)
	%40 = call float @fminf(float %32, float %39)
	%41 = fsub float %27, %40
	%42 = fpext float %41 to double
	%43 = call float @kiln.round.f8e4m3fnuz(double %42)
	%44 = getelementptr float, float* %a, i32 %i
	%45 = load float, float* %44
	%46 = getelementptr float, float* %b, i32 %i
	%47 = load float, float* %46
	%48 = frem float %45, %47
	%49 = fpext float %48 to double
	%50 = call float @kiln.round.f8e4m3fnuz(double %49)
	%51 = fadd float %43, %50
	%52 = fpext float %51 to double
	%53 = call float @kiln.round.f8e4m3fnuz(double %52)
	store float %53, float* %22
	%54 = getelementptr float, float* %a, i32 %i
	%55 = load float, float* %54
	%56 = getelementptr float, float* %b, i32 %i
	%57 = load float, float* %56
	%58 = fcmp olt float %55, %57
	br i1 %58, label %if.then, label %if.else

if.then:
	%59 = getelementptr float, float* %m, i32 %i
	%60 = getelementptr float, float* %a, i32 %i
	%61 = load float, float* %60
	%62 = fpext float %61 to double
	%63 = call double @fabs(double %62)
	%64 = fptrunc double %63 to float
	%65 = fpext float %64 to double
	%66 = call float @kiln.round.f8e4m3fnuz(double %65)
	%67 = fpext float %66 to double
	%68 = call double @sqrt(double %67)
	%69 = fptrunc double %68 to float
	%70 = fpext float %69 to double
	%71 = call float @kiln.round.f8e4m3fnuz(double %70)
	%72 = getelementptr float, float* %b, i32 %i
	%73 = load float, float* %72
	%74 = fpext float %73 to double
	%75 = fpext float 2.0 to double
	%76 = call double @pow(double %74, double %75)
	%77 = fptrunc double %76 to float
	%78 = fpext float %77 to double
	%79 = call float @kiln.round.f8e4m3fnuz(double %78)
	%80 = fadd float %71, %79
	%81 = fpext float %80 to double
	%82 = call float @kiln.round.f8e4m3fnuz(double %81)
	store float %82, float* %59
	br label %if.end

if.else:
	%83 = getelementptr float, float* %m, i32 %i
	%84 = getelementptr float, float* %a, i32 %i
	%85 = load float, float* %84
	%86 = fpext float %85 to double
	%87 = call double @floor(double %86)
	%88 = fptrunc double %87 to float
	%89 = fpext float %88 to double
	%90 = call float @kiln.round.f8e4m3fnuz(double %89)
	%91 = getelementptr float, float* %b, i32 %i
	%92 = load float, float* %91
	%93 = fpext float %92 to double
	%94 = call double @ceil(double %93)
	%95 = fptrunc double %94 to float
	%96 = fpext float %95 to double
	%97 = call float @kiln.round.f8e4m3fnuz(double %96)
	%98 = fadd float %90, %97
	%99 = fpext float %98 to double
	%100 = call float @kiln.round.f8e4m3fnuz(double %99)
	%101 = getelementptr float, float* %a, i32 %i
	%102 = load float, float* %101
	%103 = getelementptr float, float* %b, i32 %i
	%104 = load float, float* %103
	%105 = fmul float %102, %104
	%106 = fpext float %105 to double
	%107 = call float @kiln.round.f8e4m3fnuz(double %106)
	%108 = fpext float %107 to double
	%109 = call double @rint(double %108)
	%110 = fptrunc double %109 to float
	%111 = fpext float %110 to double
	%112 = call float @kiln.round.f8e4m3fnuz(double %111)
	%113 = fadd float %100, %112
	%114 = fpext float %113 to double
	%115 = call float @kiln.round.f8e4m3fnuz(double %114)
	store float %115, float* %83
	br label %if.end

if.end:
	%116 = getelementptr i8, i8* %c, i32 %i
	%117 = getelementptr float, float* %a, i32 %i
	%118 = load float, float* %117
	%119 = getelementptr float, float* %b, i32 %i
	%120 = load float, float* %119
	%121 = fcmp oge float %118, %120
	br i1 %121, label %or.end, label %or.rhs

or.rhs:
	%122 = getelementptr float, float* %a, i32 %i
	%123 = load float, float* %122
	%124 = getelementptr float, float* %a, i32 %i
	%125 = load float, float* %124
	%126 = fcmp une float %123, %125
	br label %or.end

or.end:
	%127 = phi i1 [ true, %if.end ], [ %126, %or.rhs ]
	%128 = zext i1 %127 to i8
	store i8 %128, i8* %116
	%129 = getelementptr i32, i32* %r, i32 %i
	%130 = getelementptr float, float* %a, i32 %i
	%131 = load float, float* %130
	%132 = getelementptr float, float* %b, i32 %i
	%133 = load float, float* %132
	%134 = fmul float %131, %133
	%135 = fpext float %134 to double
	%136 = call float @kiln.round.f8e4m3fnuz(double %135)
	%137 = fptosi float %136 to i64
	%138 = trunc i64 %137 to i32
	%139 = getelementptr i64, i64* %n, i32 %i
	%140 = load i64, i64* %139
	%141 = trunc i64 %140 to i32
	%142 = sext i32 %141 to i64
	%143 = icmp slt i64 %142, 0
	%144 = sub i64 0, %142
	%145 = select i1 %143, i64 %144, i64 %142
	%146 = and i64 %145, 2047
	%147 = icmp ne i64 %146, 0
	%148 = zext i1 %147 to i64
	%149 = shl i64 %148, 11
	%150 = and i64 %145, -2048
	%151 = or i64 %150, %149
	%152 = lshr i64 %145, 53
	%153 = icmp ne i64 %152, 0
	%154 = select i1 %153, i64 %151, i64 %145
	%155 = uitofp i64 %154 to double
	%156 = fneg double %155
	%157 = select i1 %143, double %156, double %155
	%158 = call float @kiln.round.f8e4m3fnuz(double %157)
	%159 = fptosi float %158 to i64
	%160 = trunc i64 %159 to i32
	%161 = add i32 %138, %160
	store i32 %161, i32* %129
	%162 = getelementptr double, double* %w, i32 %i
	%163 = getelementptr double, double* %x, i32 %i
	%164 = load double, double* %163
	%165 = fdiv double %164, 3.0
	%166 = call float @kiln.round.f8e4m3fnuz(double %165)
	%167 = fpext float %166 to double
	%168 = getelementptr float, float* %b, i32 %i
	%169 = load float, float* %168
	%170 = fmul float %169, 0x3FD3333340000000
	%171 = fpext float %170 to double
	%172 = call float @kiln.round.f8e4m3fnuz(double %171)
	%173 = fpext float %172 to double
	%174 = fadd double %167, %173
	%175 = getelementptr i64, i64* %n, i32 %i
	%176 = load i64, i64* %175
	%177 = mul i64 %176, 123456789123
	%178 = icmp slt i64 %177, 0
	%179 = sub i64 0, %177
	%180 = select i1 %178, i64 %179, i64 %177
	%181 = and i64 %180, 2047
	%182 = icmp ne i64 %181, 0
	%183 = zext i1 %182 to i64
	%184 = shl i64 %183, 11
	%185 = and i64 %180, -2048
	%186 = or i64 %185, %184
	%187 = lshr i64 %180, 53
	%188 = icmp ne i64 %187, 0
	%189 = select i1 %188, i64 %186, i64 %180
	%190 = uitofp i64 %189 to double
	%191 = fneg double %190
	%192 = select i1 %178, double %191, double %190
	%193 = call float @kiln.round.f8e4m3fnuz(double %192)
	%194 = fpext float %193 to double
	%195 = fadd double %174, %194
	store double %195, double* %162
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	ret void
}

define internal float @kiln.round.f8e4m3fnuz(double %v) {
entry:
	%0 = bitcast double %v to i64
	%1 = shl i64 %0, 1
	%2 = lshr i64 %1, 1
	%3 = bitcast i64 %2 to double
	%4 = lshr i64 %2, 52
	%5 = sub i64 %4, 1023
	%6 = icmp slt i64 %5, -7
	%7 = select i1 %6, i64 -7, i64 %5
	%8 = icmp sgt i64 %7, 8
	%9 = select i1 %8, i64 8, i64 %7
	%10 = add i64 %9, 1072
	%11 = shl i64 %10, 52
	%12 = bitcast i64 %11 to double
	%13 = fadd double %3, %12
	%14 = fsub double %13, %12
	%15 = fcmp ogt double %14, 240.0
	%16 = select i1 %15, double 0x7FF8000000000000, double %14
	%17 = icmp slt i64 %0, 0
	%18 = fneg double %16
	%19 = select i1 %17, double %18, double %16
	%20 = fcmp oeq double %16, 0.0
	%21 = select i1 %20, double %16, double %19
	%22 = fcmp uno double %v, %v
	%23 = select i1 %22, double 0x7FF8000000000000, double %21
	%24 = fptrunc double %23 to float
	ret float %24
}

declare double @ceil(double %0)

declare double @fabs(double %0)

declare double @floor(double %0)

declare float @fmaxf(float %0, float %1)

declare float @fminf(float %0, float %1)

declare double @pow(double %0, double %1)

declare double @rint(double %0)

declare double @sqrt(double %0)
