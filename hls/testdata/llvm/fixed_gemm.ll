source_filename = "fixed_gemm"

@fixed_gemm.w = internal constant [12 x i8] [i8 16, i8 -40, i8 127, i8 -128, i8 1, i8 32, i8 80, i8 -16, i8 0, i8 56, i8 -97, i8 8]
@fixed_gemm.b = internal constant [3 x i8] [i8 4, i8 -64, i8 32]

define void @fixed_gemm(i16* noalias %x, i16* noalias %y, float* noalias %f, i8* noalias %z, i8* noalias %m, i12* noalias %u) {
entry:
	%acc = alloca i32
	store i32 0, i32* %acc
	br label %n.header

n.header:
	%n = phi i32 [ 0, %entry ], [ %n.next, %n.latch ]
	%0 = icmp slt i32 %n, 2
	br i1 %0, label %n.body, label %n.exit

n.body:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %n.body ], [ %i.next, %i.latch ]
	%1 = icmp slt i32 %i, 3
	br i1 %1, label %i.body, label %i.exit

i.body:
	%2 = getelementptr [3 x i8], [3 x i8]* @fixed_gemm.b, i32 0, i32 %i
	%3 = load i8, i8* %2
	%4 = call i32 @kiln.cast.fixed8_3.fixed32_12(i8 %3)
	store i32 %4, i32* %acc
	br label %k.header

k.header:
	%k = phi i32 [ 0, %i.body ], [ %k.next, %k.latch ]
	%5 = icmp slt i32 %k, 4
	br i1 %5, label %k.body, label %k.exit

k.body:
	%6 = load i32, i32* %acc
	%7 = mul i32 %n, 4
	%8 = add i32 %7, %k
	%9 = getelementptr i16, i16* %x, i32 %8
	%10 = load i16, i16* %9
	%11 = mul i32 %k, 3
	%12 = add i32 %11, %i
	%13 = getelementptr [12 x i8], [12 x i8]* @fixed_gemm.w, i32 0, i32 %12
	%14 = load i8, i8* %13
	%15 = sext i16 %10 to i24
	%16 = sext i8 %14 to i24
	%17 = mul i24 %15, %16
	%18 = sext i32 %6 to i33
	%19 = sext i24 %17 to i33
	%20 = shl i33 %19, 5
	%21 = add i33 %18, %20
	%22 = call i32 @kiln.cast.fixed33_13.fixed32_12(i33 %21)
	store i32 %22, i32* %acc
	br label %k.latch

k.latch:
	%k.next = add i32 %k, 1
	br label %k.header

k.exit:
	%23 = mul i32 %n, 3
	%24 = add i32 %23, %i
	%25 = getelementptr i16, i16* %y, i32 %24
	%26 = load i32, i32* %acc
	%27 = icmp sgt i32 -786432, %26
	%28 = select i1 %27, i32 -786432, i32 %26
	%29 = call i16 @kiln.cast.fixed32_12.fixed16_6_rne_sat(i32 %28)
	store i16 %29, i16* %25
	%30 = mul i32 %n, 3
	%31 = add i32 %30, %i
	%32 = getelementptr float, float* %f, i32 %31
	%33 = mul i32 %n, 3
	%34 = add i32 %33, %i
	%35 = getelementptr i16, i16* %y, i32 %34
	%36 = load i16, i16* %35
	%37 = sitofp i16 %36 to double
	%38 = fmul double %37, 0.0009765625
	%39 = fptrunc double %38 to float
	store float %39, float* %32
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
	br label %j.header

j.header:
	%j = phi i32 [ 0, %n.exit ], [ %j.next, %j.latch ]
	%40 = icmp slt i32 %j, 3
	br i1 %40, label %j.body, label %j.exit

j.body:
	%41 = getelementptr i8, i8* %z, i32 %j
	%42 = mul i32 0, 3
	%43 = add i32 %42, %j
	%44 = getelementptr i16, i16* %y, i32 %43
	%45 = load i16, i16* %44
	%46 = sext i16 %45 to i17
	%47 = sub i17 0, %46
	%48 = icmp slt i17 %46, 0
	%49 = select i1 %48, i17 %47, i17 %46
	%50 = icmp sgt i17 %49, 1536
	%51 = mul i32 1, 3
	%52 = add i32 %51, %j
	%53 = getelementptr i16, i16* %y, i32 %52
	%54 = load i16, i16* %53
	%55 = sext i16 %54 to i17
	%56 = sub i17 0, %55
	%57 = mul i32 1, 3
	%58 = add i32 %57, %j
	%59 = getelementptr i16, i16* %y, i32 %58
	%60 = load i16, i16* %59
	%61 = sext i16 %60 to i17
	%62 = sub i17 0, %61
	%63 = icmp slt i17 %61, 0
	%64 = select i1 %63, i17 %62, i17 %61
	%65 = icmp slt i17 16, %64
	%66 = select i1 %65, i17 16, i17 %64
	%67 = select i1 %50, i17 %56, i17 %66
	%68 = ashr i17 %67, 10
	%69 = sext i17 %68 to i64
	%70 = trunc i64 %69 to i8
	store i8 %70, i8* %41
	%71 = getelementptr i8, i8* %m, i32 %j
	%72 = mul i32 0, 4
	%73 = add i32 %72, %j
	%74 = getelementptr i16, i16* %x, i32 %73
	%75 = load i16, i16* %74
	%76 = icmp ne i16 %75, 0
	br i1 %76, label %and.rhs, label %and.end

and.rhs:
	%77 = mul i32 1, 4
	%78 = add i32 %77, %j
	%79 = getelementptr i16, i16* %x, i32 %78
	%80 = load i16, i16* %79
	%81 = mul i32 0, 4
	%82 = add i32 %81, %j
	%83 = getelementptr i16, i16* %x, i32 %82
	%84 = load i16, i16* %83
	%85 = sext i16 %80 to i17
	%86 = sext i16 %84 to i17
	%87 = sub i17 %85, %86
	%88 = icmp sle i17 %87, 0
	br label %and.end

and.end:
	%89 = phi i1 [ false, %j.body ], [ %88, %and.rhs ]
	%90 = zext i1 %89 to i8
	store i8 %90, i8* %71
	%91 = getelementptr i12, i12* %u, i32 %j
	%92 = mul i32 0, 4
	%93 = add i32 %92, %j
	%94 = getelementptr i16, i16* %x, i32 %93
	%95 = load i16, i16* %94
	%96 = sitofp i16 %95 to double
	%97 = fmul double %96, 0.0009765625
	%98 = fptrunc double %97 to float
	%99 = fmul float %98, 0.5
	%100 = sext i32 %j to i64
	%101 = call i8 @kiln.cast.i64.fixed8_8(i64 %100)
	%102 = sitofp i8 %101 to double
	%103 = fptrunc double %102 to float
	%104 = fadd float %99, %103
	%105 = call i12 @kiln.cast.f32.ufixed12_4_rnd(float %104)
	store i12 %105, i12* %91
	br label %j.latch

j.latch:
	%j.next = add i32 %j, 1
	br label %j.header

j.exit:
	ret void
}

define internal i12 @kiln.cast.f32.ufixed12_4_rnd(float %x) {
entry:
	%0 = fpext float %x to double
	%1 = fmul double %0, 256.0
	%2 = call double @floor(double %1)
	%3 = fsub double %1, %2
	%4 = fcmp oge double %3, 0.5
	%5 = fadd double %2, 1.0
	%6 = select i1 %4, double %5, double %2
	%7 = fptosi double %6 to i64
	%8 = fcmp oge double %6, 0x43E0000000000000
	%9 = fcmp olt double %6, 0xC3E0000000000000
	%10 = or i1 %8, %9
	%11 = bitcast double %6 to i64
	%12 = lshr i64 %11, 52
	%13 = and i64 %12, 2047
	%14 = and i64 %11, u0xFFFFFFFFFFFFF
	%15 = or i64 %14, u0x10000000000000
	%16 = sub i64 %13, 1075
	%17 = icmp sgt i64 %16, 63
	%18 = and i64 %16, 63
	%19 = shl i64 %15, %18
	%20 = select i1 %17, i64 0, i64 %19
	%21 = icmp slt i64 %11, 0
	%22 = sub i64 0, %20
	%23 = select i1 %21, i64 %22, i64 %20
	%24 = select i1 %10, i64 %23, i64 %7
	%25 = trunc i64 %24 to i12
	%26 = fcmp uno double %0, %0
	%27 = select i1 %26, i12 0, i12 %25
	ret i12 %27
}

define internal i16 @kiln.cast.fixed32_12.fixed16_6_rne_sat(i32 %x) {
entry:
	%0 = sext i32 %x to i33
	%1 = ashr i33 %0, 10
	%2 = and i33 %0, 1023
	%3 = icmp ugt i33 %2, 512
	%4 = icmp eq i33 %2, 512
	%5 = trunc i33 %1 to i1
	%6 = and i1 %4, %5
	%7 = or i1 %3, %6
	%8 = zext i1 %7 to i33
	%9 = add i33 %1, %8
	%10 = icmp sgt i33 %9, u0x7FFF
	%11 = select i1 %10, i33 u0x7FFF, i33 %9
	%12 = icmp slt i33 %11, -32768
	%13 = select i1 %12, i33 -32768, i33 %11
	%14 = trunc i33 %13 to i16
	ret i16 %14
}

define internal i32 @kiln.cast.fixed33_13.fixed32_12(i33 %x) {
entry:
	%0 = trunc i33 %x to i32
	ret i32 %0
}

define internal i32 @kiln.cast.fixed8_3.fixed32_12(i8 %x) {
entry:
	%0 = sext i8 %x to i32
	%1 = shl i32 %0, 15
	ret i32 %1
}

define internal i8 @kiln.cast.i64.fixed8_8(i64 %x) {
entry:
	%0 = trunc i64 %x to i8
	ret i8 %0
}

declare double @floor(double %0)
