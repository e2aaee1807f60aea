source_filename = "lowered_lstm_step"

@lstm_step.w = internal constant [48 x float] [float 0x3F833E6600000000, float 0xBFE2ACFDC0000000, float 0xBFC46BF120000000, float 0xBFD61DA8A0000000, float 0x3FE11D8720000000, float 0x3FC85AA980000000, float 0x3FE2B64D40000000, float 0x3FD7FA5B80000000, float 0x3FDAE55740000000, float 0x3FDC71D1C0000000, float 0x3FD8BD7940000000, float 0xBFA3E3FD80000000, float 0x3FE2F90B20000000, float 0xBFD1115BA0000000, float 0xBFC2FAB960000000, float 0x3FDA9288E0000000, float 0xBFB432A440000000, float 0xBFCD3335E0000000, float 0x3FE1B0C280000000, float 0x3FD2E5C840000000, float 0xBFC46B8E20000000, float 0x3FE10619A0000000, float 0xBFA1FB2B40000000, float 0xBFE32D7D80000000, float 0xBFD53B64A0000000, float 0xBFE24CEF80000000, float 0x3FE03F0040000000, float 0xBFD2A9BC60000000, float 0xBFDDC025A0000000, float 0x3FCC7DB100000000, float 0xBFCE400C60000000, float 0x3FD9E2DF00000000, float 0xBFD5838B40000000, float 0xBFC2EF5460000000, float 0xBFDE60B080000000, float 0x3FCB7CAAE0000000, float 0xBFCCE726A0000000, float 0xBFC0771E80000000, float 0x3FBF675FC0000000, float 0x3F6F6DD8C0000000, float 0xBFD16F96C0000000, float 0xBF889C7900000000, float 0xBFD3591020000000, float 0xBFD203DA80000000, float 0xBFDC70C060000000, float 0x3FD23379A0000000, float 0x3FA91E6EA0000000, float 0xBFC9113CC0000000]
@lstm_step.r = internal constant [64 x float] [float 0x3FE2473160000000, float 0xBFE13C32C0000000, float 0x3FBC1D8C00000000, float 0xBFCDC6DA20000000, float 0xBFD077F840000000, float 0xBFE139A100000000, float 0x3FD2B90D40000000, float 0xBFDEC8BFA0000000, float 0xBFC638D100000000, float 0x3FE0E600E0000000, float 0xBFCEA7CEA0000000, float 0xBFD6AC1020000000, float 0xBFC5832C20000000, float 0x3FDFB30760000000, float 0x3FE1073700000000, float 0xBFD3A9B5E0000000, float 0xBFE1D25EA0000000, float 0xBFC5809C00000000, float 0x3FDABC2A00000000, float 0xBFE2097640000000, float 0xBFB5711CA0000000, float 0x3FB9CC9E60000000, float 0xBFE2936280000000, float 0x3FD4F76020000000, float 0xBFE0BAFF20000000, float 0xBFD1A5B400000000, float 0x3FC07C2AE0000000, float 0x3FC41FED00000000, float 0x3FC535D140000000, float 0x3FD04FFF20000000, float 0xBFC4989840000000, float 0xBFD36F75E0000000, float 0x3FDF2599C0000000, float 0xBFE32AA500000000, float 0x3FDC56AF00000000, float 0x3FD1F29260000000, float 0x3FCD6256C0000000, float 0x3FD5B71D60000000, float 0xBFB7F682A0000000, float 0xBFD9F0A280000000, float 0xBFA0B20D00000000, float 0xBFDCB09AC0000000, float 0x3FB61B0AE0000000, float 0xBFCF6FCB80000000, float 0x3FB7E626E0000000, float 0xBFCEB4CF60000000, float 0x3FD9FF6F60000000, float 0x3FD75D3840000000, float 0xBFD64DA660000000, float 0x3FD655E660000000, float 0xBFD21C1520000000, float 0x3FD97C3C20000000, float 0xBFE0EF49E0000000, float 0x3FDDA1A780000000, float 0x3FDC625860000000, float 0x3FE123C140000000, float 0xBFE03E5640000000, float 0x3FD9134F80000000, float 0xBFE17094C0000000, float 0xBFD4A454E0000000, float 0xBFDD24A960000000, float 0xBFE0BBBA40000000, float 0x3FCB6B0F20000000, float 0xBFD8A6F7E0000000]
@lstm_step.bias = internal constant [32 x float] [float 0x3FCA8A7EC0000000, float 0xBF93B2AF40000000, float 0xBFBADAB500000000, float 0xBFC5557D20000000, float 0xBFDA8A3C60000000, float 0x3FAAAB3CE0000000, float 0x3FCFF0B7E0000000, float 0xBFCB8B9120000000, float 0x3FD5ABD260000000, float 0xBFDFDCE180000000, float 0x3FC271EC00000000, float 0xBFCA2C2280000000, float 0x3FC9A70560000000, float 0xBFCC1C5580000000, float 0xBFCE043960000000, float 0x3FDCFBB020000000, float 0xBFC0D3CB20000000, float 0x3FDAF3F740000000, float 0xBFCF9CD0A0000000, float 0xBF9BB0ABE0000000, float 0x3FD77FA1A0000000, float 0x3FC23A66A0000000, float 0xBFC0AFBA00000000, float 0x3FD1E10520000000, float 0x3FD6DC5B40000000, float 0x3FD5A6D7C0000000, float 0x3FDDC65440000000, float 0x3FD5EE4A80000000, float 0x3FB4756560000000, float 0x3FD38943C0000000, float 0xBFD1B69C80000000, float 0x3FD129ADC0000000]

define void @lstm_step(float* noalias %x, float* noalias %y, float* noalias %y_h) {
entry:
	%h = alloca [4 x float]
	%c = alloca [4 x float]
	%xg = alloca [16 x float]
	%hg = alloca [16 x float]
	%acc = alloca float
	%gi = alloca float
	%gf = alloca float
	%gc = alloca float
	%go = alloca float
	br label %h.zero.header

h.zero.header:
	%h.zero = phi i32 [ 0, %entry ], [ %h.zero.next, %h.zero.latch ]
	%0 = icmp slt i32 %h.zero, 4
	br i1 %0, label %h.zero.body, label %h.zero.exit

h.zero.body:
	%1 = getelementptr [4 x float], [4 x float]* %h, i32 0, i32 %h.zero
	store float 0.0, float* %1
	br label %h.zero.latch

h.zero.latch:
	%h.zero.next = add i32 %h.zero, 1
	br label %h.zero.header

h.zero.exit:
	br label %c.zero.header

c.zero.header:
	%c.zero = phi i32 [ 0, %h.zero.exit ], [ %c.zero.next, %c.zero.latch ]
	%2 = icmp slt i32 %c.zero, 4
	br i1 %2, label %c.zero.body, label %c.zero.exit

c.zero.body:
	%3 = getelementptr [4 x float], [4 x float]* %c, i32 0, i32 %c.zero
	store float 0.0, float* %3
	br label %c.zero.latch

c.zero.latch:
	%c.zero.next = add i32 %c.zero, 1
	br label %c.zero.header

c.zero.exit:
	br label %xg.zero.header

xg.zero.header:
	%xg.zero = phi i32 [ 0, %c.zero.exit ], [ %xg.zero.next, %xg.zero.latch ]
	%4 = icmp slt i32 %xg.zero, 16
	br i1 %4, label %xg.zero.body, label %xg.zero.exit

xg.zero.body:
	%5 = getelementptr [16 x float], [16 x float]* %xg, i32 0, i32 %xg.zero
	store float 0.0, float* %5
	br label %xg.zero.latch

xg.zero.latch:
	%xg.zero.next = add i32 %xg.zero, 1
	br label %xg.zero.header

xg.zero.exit:
	br label %hg.zero.header

hg.zero.header:
	%hg.zero = phi i32 [ 0, %xg.zero.exit ], [ %hg.zero.next, %hg.zero.latch ]
	%6 = icmp slt i32 %hg.zero, 16
	br i1 %6, label %hg.zero.body, label %hg.zero.exit

hg.zero.body:
	%7 = getelementptr [16 x float], [16 x float]* %hg, i32 0, i32 %hg.zero
	store float 0.0, float* %7
	br label %hg.zero.latch

hg.zero.latch:
	%hg.zero.next = add i32 %hg.zero, 1
	br label %hg.zero.header

hg.zero.exit:
	store float 0.0, float* %acc
	store float 0.0, float* %gi
	store float 0.0, float* %gf
	store float 0.0, float* %gc
	store float 0.0, float* %go
	br label %b.header

b.header:
	%b = phi i32 [ 0, %hg.zero.exit ], [ %b.next, %b.latch ]
	%8 = icmp slt i32 %b, 1
	br i1 %8, label %b.body, label %b.exit

b.body:
	br label %j.header

j.header:
	%j = phi i32 [ 0, %b.body ], [ %j.next, %j.latch ]
	%9 = icmp slt i32 %j, 4
	br i1 %9, label %j.body, label %j.exit

j.body:
	%10 = getelementptr [4 x float], [4 x float]* %h, i32 0, i32 %j
	store float 0.0, float* %10
	%11 = getelementptr [4 x float], [4 x float]* %c, i32 0, i32 %j
	store float 0.0, float* %11
	br label %j.latch

j.latch:
	%j.next = add i32 %j, 1
	br label %j.header

j.exit:
	br label %t.header

t.header:
	%t = phi i32 [ 0, %j.exit ], [ %t.next, %t.latch ]
	%12 = icmp slt i32 %t, 2
	br i1 %12, label %t.body, label %t.exit

t.body:
	br label %g.header

g.header:
	%g = phi i32 [ 0, %t.body ], [ %g.next, %g.latch ]
	%13 = icmp slt i32 %g, 16
	br i1 %13, label %g.body, label %g.exit

g.body:
	%14 = mul i32 0, 32
	%15 = add i32 %14, %g
	%16 = getelementptr [32 x float], [32 x float]* @lstm_step.bias, i32 0, i32 %15
	%17 = load float, float* %16
	%18 = mul i32 0, 32
	%19 = add i32 %g, 16
	%20 = add i32 %18, %19
	%21 = getelementptr [32 x float], [32 x float]* @lstm_step.bias, i32 0, i32 %20
	%22 = load float, float* %21
	%23 = fadd float %17, %22
	store float %23, float* %acc
	br label %i.header

i.header:
	%i = phi i32 [ 0, %g.body ], [ %i.next, %i.latch ]
	%24 = icmp slt i32 %i, 3
	br i1 %24, label %i.body, label %i.exit

i.body:
	%25 = load float, float* %acc
	%26 = mul i32 %t, 3
	%27 = mul i32 %b, 3
	%28 = add i32 %26, %27
	%29 = add i32 %28, %i
	%30 = getelementptr float, float* %x, i32 %29
	%31 = load float, float* %30
	%32 = mul i32 0, 48
	%33 = mul i32 %g, 3
	%34 = add i32 %32, %33
	%35 = add i32 %34, %i
	%36 = getelementptr [48 x float], [48 x float]* @lstm_step.w, i32 0, i32 %35
	%37 = load float, float* %36
	%38 = fmul float %31, %37
	%39 = fadd float %25, %38
	store float %39, float* %acc
	br label %i.latch

i.latch:
	%i.next = add i32 %i, 1
	br label %i.header

i.exit:
	%40 = getelementptr [16 x float], [16 x float]* %xg, i32 0, i32 %g
	%41 = load float, float* %acc
	store float %41, float* %40
	br label %g.latch

g.latch:
	%g.next = add i32 %g, 1
	br label %g.header

g.exit:
	br label %g.header.1

g.header.1:
	%g.1 = phi i32 [ 0, %g.exit ], [ %g.next.1, %g.latch.1 ]
	%42 = icmp slt i32 %g.1, 16
	br i1 %42, label %g.body.1, label %g.exit.1

g.body.1:
	store float 0.0, float* %acc
	br label %i.header.1

i.header.1:
	%i.1 = phi i32 [ 0, %g.body.1 ], [ %i.next.1, %i.latch.1 ]
	%43 = icmp slt i32 %i.1, 4
	br i1 %43, label %i.body.1, label %i.exit.1

i.body.1:
	%44 = load float, float* %acc
	%45 = getelementptr [4 x float], [4 x float]* %h, i32 0, i32 %i.1
	%46 = load float, float* %45
	%47 = mul i32 0, 64
	%48 = mul i32 %g.1, 4
	%49 = add i32 %47, %48
	%50 = add i32 %49, %i.1
	%51 = getelementptr [64 x float], [64 x float]* @lstm_step.r, i32 0, i32 %50
	%52 = load float, float* %51
	%53 = fmul float %46, %52
	%54 = fadd float %44, %53
	store float %54, float* %acc
	br label %i.latch.1

i.latch.1:
	%i.next.1 = add i32 %i.1, 1
	br label %i.header.1

i.exit.1:
	%55 = getelementptr [16 x float], [16 x float]* %hg, i32 0, i32 %g.1
	%56 = load float, float* %acc
	store float %56, float* %55
	br label %g.latch.1

g.latch.1:
	%g.next.1 = add i32 %g.1, 1
	br label %g.header.1

g.exit.1:
	br label %j.header.1

j.header.1:
	%j.1 = phi i32 [ 0, %g.exit.1 ], [ %j.next.1, %j.latch.1 ]
	%57 = icmp slt i32 %j.1, 4
	br i1 %57, label %j.body.1, label %j.exit.1

j.body.1:
	%58 = getelementptr [16 x float], [16 x float]* %hg, i32 0, i32 %j.1
	%59 = load float, float* %58
	%60 = getelementptr [16 x float], [16 x float]* %xg, i32 0, i32 %j.1
	%61 = load float, float* %60
	%62 = fadd float %59, %61
	%63 = fneg float %62
	%64 = call float @expf(float %63)
	%65 = fadd float 1.0, %64
	%66 = fdiv float 1.0, %65
	store float %66, float* %gi
	%67 = add i32 %j.1, 8
	%68 = getelementptr [16 x float], [16 x float]* %hg, i32 0, i32 %67
	%69 = load float, float* %68
	%70 = add i32 %j.1, 8
	%71 = getelementptr [16 x float], [16 x float]* %xg, i32 0, i32 %70
	%72 = load float, float* %71
	%73 = fadd float %69, %72
	%74 = fneg float %73
	%75 = call float @expf(float %74)
	%76 = fadd float 1.0, %75
	%77 = fdiv float 1.0, %76
	store float %77, float* %gf
	%78 = add i32 %j.1, 12
	%79 = getelementptr [16 x float], [16 x float]* %hg, i32 0, i32 %78
	%80 = load float, float* %79
	%81 = add i32 %j.1, 12
	%82 = getelementptr [16 x float], [16 x float]* %xg, i32 0, i32 %81
	%83 = load float, float* %82
	%84 = fadd float %80, %83
	%85 = fmul float 2.0, %84
	%86 = call float @expf(float %85)
	%87 = fadd float %86, 1.0
	%88 = fdiv float 2.0, %87
	%89 = fsub float 1.0, %88
	store float %89, float* %gc
	%90 = getelementptr [4 x float], [4 x float]* %c, i32 0, i32 %j.1
	%91 = load float, float* %gf
	%92 = getelementptr [4 x float], [4 x float]* %c, i32 0, i32 %j.1
	%93 = load float, float* %92
	%94 = fmul float %91, %93
	%95 = load float, float* %gi
	%96 = load float, float* %gc
	%97 = fmul float %95, %96
	%98 = fadd float %94, %97
	store float %98, float* %90
	%99 = add i32 %j.1, 4
	%100 = getelementptr [16 x float], [16 x float]* %hg, i32 0, i32 %99
	%101 = load float, float* %100
	%102 = add i32 %j.1, 4
	%103 = getelementptr [16 x float], [16 x float]* %xg, i32 0, i32 %102
	%104 = load float, float* %103
	%105 = fadd float %101, %104
	%106 = fneg float %105
	%107 = call float @expf(float %106)
	%108 = fadd float 1.0, %107
	%109 = fdiv float 1.0, %108
	store float %109, float* %go
	%110 = getelementptr [4 x float], [4 x float]* %c, i32 0, i32 %j.1
	%111 = load float, float* %110
	%112 = fmul float 2.0, %111
	%113 = call float @expf(float %112)
	%114 = fadd float %113, 1.0
	%115 = fdiv float 2.0, %114
	%116 = fsub float 1.0, %115
	store float %116, float* %gc
	%117 = getelementptr [4 x float], [4 x float]* %h, i32 0, i32 %j.1
	%118 = load float, float* %go
	%119 = load float, float* %gc
	%120 = fmul float %118, %119
	store float %120, float* %117
	%121 = mul i32 %t, 4
	%122 = mul i32 0, 4
	%123 = add i32 %121, %122
	%124 = mul i32 %b, 4
	%125 = add i32 %123, %124
	%126 = add i32 %125, %j.1
	%127 = getelementptr float, float* %y, i32 %126
	%128 = getelementptr [4 x float], [4 x float]* %h, i32 0, i32 %j.1
	%129 = load float, float* %128
	store float %129, float* %127
	br label %j.latch.1

j.latch.1:
	%j.next.1 = add i32 %j.1, 1
	br label %j.header.1

j.exit.1:
	br label %t.latch

t.latch:
	%t.next = add i32 %t, 1
	br label %t.header

t.exit:
	br label %j.header.2

j.header.2:
	%j.2 = phi i32 [ 0, %t.exit ], [ %j.next.2, %j.latch.2 ]
	%130 = icmp slt i32 %j.2, 4
	br i1 %130, label %j.body.2, label %j.exit.2

j.body.2:
	%131 = mul i32 0, 4
	%132 = mul i32 %b, 4
	%133 = add i32 %131, %132
	%134 = add i32 %133, %j.2
	%135 = getelementptr float, float* %y_h, i32 %134
	%136 = getelementptr [4 x float], [4 x float]* %h, i32 0, i32 %j.2
	%137 = load float, float* %136
	store float %137, float* %135
	br label %j.latch.2

j.latch.2:
	%j.next.2 = add i32 %j.2, 1
	br label %j.header.2

j.exit.2:
	br label %b.latch

b.latch:
	%b.next = add i32 %b, 1
	br label %b.header

b.exit:
	ret void
}

declare float @expf(float %0)
