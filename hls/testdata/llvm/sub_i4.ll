source_filename = "sub_i4"

define void @sub_i4(i8* noalias %a, i8* noalias %b, float* noalias %f, i8* noalias %s, i8* noalias %q, i8* noalias %c, i32* noalias %r) {
entry:
	br label %i.header

i.header:
	%i = phi i32 [ 0, %entry ], [ %i.next, %i.latch ]
	%0 = icmp slt i32 %i, 16
	br i1 %0, label %i.body, label %i.exit

i.body:
	%1 = getelementptr i8, i8* %s, i32 %i
	%2 = getelementptr i8, i8* %a, i32 %i
	%3 = load i8, i8* %2
	%4 = getelementptr i8, i8* %b, i32 %i
	%5 = load i8, i8* %4
	%6 = mul i8 %3, %5
	%7 = shl i8 %6, 4
	%8 = ashr i8 %7, 4
	%9 = getelementptr i8, i8* %a, i32 %i
	%10 = load i8, i8* %9
	%11 = add i8 %8, %10
	%12 = shl i8 %11, 4
	%13 = ashr i8 %12, 4
	%14 = getelementptr i8, i8* %b, i32 %i
	%15 = load i8, i8* %14
	%16 = sub i8 0, %15
	%17 = shl i8 %16, 4
	%18 = ashr i8 %17, 4
	%19 = sub i8 %13, %18
	%20 = shl i8 %19, 4
	%21 = ashr i8 %20, 4
	%22 = getelementptr i8, i8* %a, i32 %i
	%23 = load i8, i8* %22
	%24 = getelementptr i8, i8* %b, i32 %i
	%25 = load i8, i8* %24
	%26 = icmp sgt i8 %25, %23
	%27 = select i1 %26, i8 %25, i8 %23
	%28 = add i8 %21, %27
	%29 = shl i8 %28, 4
	%30 = ashr i8 %29, 4
	%31 = getelementptr i8, i8* %a, i32 %i
	%32 = load i8, i8* %31
	%33 = getelementptr i8, i8* %b, i32 %i
	%34 = load i8, i8* %33
	%35 = icmp slt i8 %34, %32
	%36 = select i1 %35, i8 %34, i8 %32
	%37 = sub i8 %30, %36
	%38 = shl i8 %37, 4
	%39 = ashr i8 %38, 4
	store i8 %39, i8* %1
	%40 = getelementptr i8, i8* %b, i32 %i
	%41 = load i8, i8* %40
	%42 = icmp ne i8 %41, 0
	br i1 %42, label %if.then, label %if.else

if.then:
	%43 = getelementptr i8, i8* %q, i32 %i
	%44 = getelementptr i8, i8* %a, i32 %i
	%45 = load i8, i8* %44
	%46 = getelementptr i8, i8* %b, i32 %i
	%47 = load i8, i8* %46
	%48 = icmp eq i8 %47, -1
	%49 = select i1 %48, i8 1, i8 %47
	%50 = sdiv i8 %45, %49
	%51 = sub i8 0, %45
	%52 = select i1 %48, i8 %51, i8 %50
	%53 = shl i8 %52, 4
	%54 = ashr i8 %53, 4
	%55 = getelementptr i8, i8* %a, i32 %i
	%56 = load i8, i8* %55
	%57 = getelementptr i8, i8* %b, i32 %i
	%58 = load i8, i8* %57
	%59 = icmp eq i8 %58, -1
	%60 = select i1 %59, i8 1, i8 %58
	%61 = srem i8 %56, %60
	%62 = shl i8 %61, 4
	%63 = ashr i8 %62, 4
	%64 = add i8 %54, %63
	%65 = shl i8 %64, 4
	%66 = ashr i8 %65, 4
	store i8 %66, i8* %43
	br label %if.end

if.else:
	%67 = getelementptr i8, i8* %q, i32 %i
	%68 = getelementptr i8, i8* %a, i32 %i
	%69 = load i8, i8* %68
	%70 = icmp slt i8 %69, 0
	%71 = sub i8 0, %69
	%72 = select i1 %70, i8 %71, i8 %69
	%73 = shl i8 %72, 4
	%74 = ashr i8 %73, 4
	%75 = add i8 %74, 1
	%76 = shl i8 %75, 4
	%77 = ashr i8 %76, 4
	store i8 %77, i8* %67
	br label %if.end

if.end:
	%78 = getelementptr i8, i8* %c, i32 %i
	%79 = getelementptr i8, i8* %a, i32 %i
	%80 = load i8, i8* %79
	%81 = getelementptr i8, i8* %b, i32 %i
	%82 = load i8, i8* %81
	%83 = icmp slt i8 %80, %82
	%84 = zext i1 %83 to i8
	store i8 %84, i8* %78
	%85 = getelementptr i32, i32* %r, i32 %i
	%86 = getelementptr i8, i8* %a, i32 %i
	%87 = load i8, i8* %86
	%88 = sext i8 %87 to i32
	%89 = getelementptr float, float* %f, i32 %i
	%90 = load float, float* %89
	%91 = fmul float %90, 4.0
	%92 = fptosi float %91 to i64
	%93 = trunc i64 %92 to i8
	%94 = shl i8 %93, 4
	%95 = ashr i8 %94, 4
	%96 = sext i8 %95 to i32
	%97 = add i32 %88, %96
	%98 = getelementptr i8, i8* %a, i32 %i
	%99 = load i8, i8* %98
	%100 = sext i8 %99 to i32
	%101 = mul i32 %100, 7
	%102 = trunc i32 %101 to i8
	%103 = shl i8 %102, 4
	%104 = ashr i8 %103, 4
	%105 = sext i8 %104 to i32
	%106 = add i32 %97, %105
	%107 = getelementptr i8, i8* %b, i32 %i
	%108 = load i8, i8* %107
	%109 = shl i8 %108, 4
	%110 = ashr i8 %109, 4
	%111 = sext i8 %110 to i32
	%112 = add i32 %106, %111
	store i32 %112, i32* %85
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	ret void
}
