package hls

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/llir/llvm/asm"
	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"
)

// llLibm are the functions a module may call without defining them: the
// C math library that Bambu implements, in float and double variants.
var llLibm = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range []string{"fabs", "sqrt", "exp", "log", "tanh", "floor", "ceil", "rint",
		"fmin", "fmax", "pow", "fmod", "atan2", "hypot", "fma", "copysign",
		"erf", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
		"exp2", "expm1", "log2", "log10", "log1p", "cbrt", "trunc", "round"} {
		m[f], m[f+"f"] = true, true
	}
	return m
}()

// llAllocators are the heap functions Bambu cannot synthesise.
var llAllocators = map[string]bool{"malloc": true, "calloc": true, "realloc": true, "free": true, "aligned_alloc": true}

// CheckBambu parses an LLVM IR module and checks it against the subset
// that PandA-Bambu synthesises (see CheckBambuModule).
func CheckBambu(module string) error {
	// llir's parser does not know bfloat: find it in the text first.
	bf := llBFloat(module)
	m, err := llParse(module)
	if err != nil {
		return errors.Join(append(bf, fmt.Errorf("hls: bambu: %w", err))...)
	}
	return errors.Join(append(bf, CheckBambuModule(m))...)
}

// llParse parses LLVM IR text; llir's parser panics on some input (the
// bfloat type), which becomes an error.
func llParse(text string) (m *ir.Module, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("llir cannot parse the module: %v", r)
		}
	}()
	return asm.ParseString("module.ll", text)
}

var (
	llDefine     = regexp.MustCompile(`^define\b[^@]*@("[^"]*"|[-a-zA-Z$._0-9]+)`)
	llBFloatWord = regexp.MustCompile(`\bbfloat\b`)
)

// llBFloat reports each line of module that uses the bfloat type, naming
// the function it is in.
func llBFloat(module string) []error {
	var errs []error
	fn := ""
	for _, line := range strings.Split(module, "\n") {
		code, _, _ := strings.Cut(line, ";")
		if m := llDefine.FindStringSubmatch(code); m != nil {
			fn = m[1]
		} else if strings.HasPrefix(code, "}") {
			fn = ""
		}
		if !llBFloatWord.MatchString(code) {
			continue
		}
		where := "module"
		if fn != "" {
			where = "function @" + fn
		}
		errs = append(errs, fmt.Errorf("hls: bambu: %s: bfloat type: %s", where, strings.TrimSpace(line)))
	}
	return errs
}

// CheckBambuModule checks m against the subset of LLVM IR that Bambu
// synthesises: scalar code only (no vector types), no half or bfloat, no
// undef or poison, no recursion, no malloc, calloc, realloc or free, no
// alloca of a variable size, and no call of a function the module does not
// define other than the C math library's. Every violation is reported, at
// once, naming its function and instruction.
func CheckBambuModule(m *ir.Module) error {
	c := &llChecker{}
	for _, g := range m.Globals {
		if bad := llBadType(g.ContentType); bad != "" {
			c.errorf("global @%s: %s type %s", g.Name(), bad, g.ContentType)
		}
		if g.Init != nil {
			c.constant("global @"+g.Name(), g.Init, g.LLString)
		}
	}
	for _, f := range m.Funcs {
		c.function(f)
	}
	c.recursion(m)
	return errors.Join(c.errs...)
}

type llChecker struct{ errs []error }

func (c *llChecker) errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("hls: bambu: "+format, args...))
}

// llBadType names what t holds that Bambu rejects ("vector", "half",
// "bfloat"), or "".
func llBadType(t types.Type) string {
	switch t := t.(type) {
	case *types.VectorType:
		return "vector"
	case *types.FloatType:
		if t.Kind != types.FloatKindFloat && t.Kind != types.FloatKindDouble {
			return t.Kind.String() // half, fp128, x86_fp80, ppc_fp128
		}
	case *types.ArrayType:
		return llBadType(t.ElemType)
	case *types.PointerType:
		return llBadType(t.ElemType)
	case *types.StructType:
		for _, f := range t.Fields {
			if bad := llBadType(f); bad != "" {
				return bad
			}
		}
	case *types.FuncType:
		if bad := llBadType(t.RetType); bad != "" {
			return bad
		}
		for _, p := range t.Params {
			if bad := llBadType(p); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// constant reports undef and poison anywhere in a constant.
func (c *llChecker) constant(where string, k constant.Constant, text func() string) {
	switch k := k.(type) {
	case *constant.Undef:
		c.errorf("%s: undef in %s", where, text())
	case *constant.Poison:
		c.errorf("%s: poison in %s", where, text())
	case *constant.Array:
		for _, e := range k.Elems {
			c.constant(where, e, text)
		}
	case *constant.Struct:
		for _, e := range k.Fields {
			c.constant(where, e, text)
		}
	case *constant.Vector:
		for _, e := range k.Elems {
			c.constant(where, e, text)
		}
	}
}

func (c *llChecker) function(f *ir.Func) {
	name := f.Name()
	if bad := llBadType(f.Sig); bad != "" {
		c.errorf("function @%s: %s type in its signature %s", name, bad, f.Sig)
	}
	if len(f.Blocks) == 0 {
		switch {
		case llAllocators[name]:
			c.errorf("function @%s: heap allocation is not synthesisable", name)
		case !llLibm[name]:
			c.errorf("function @%s: declared but not defined, and not a libm function", name)
		}
		return
	}
	for _, b := range f.Blocks {
		for _, inst := range b.Insts {
			c.inst(name, inst)
		}
		c.inst(name, b.Term)
	}
}

// llInst is what the checker needs of an instruction or terminator.
type llInst interface {
	LLString() string
	Operands() []*value.Value
}

func (c *llChecker) inst(fn string, x any) {
	inst, ok := x.(llInst)
	if !ok {
		return
	}
	text := inst.LLString // printed only for an error
	if v, ok := x.(value.Value); ok {
		if bad := llBadType(v.Type()); bad != "" {
			c.errorf("function @%s: %s type: %s", fn, bad, text())
		}
	}
	for _, op := range inst.Operands() {
		if op == nil || *op == nil {
			continue
		}
		if bad := llBadType((*op).Type()); bad != "" {
			c.errorf("function @%s: %s operand: %s", fn, bad, text())
		}
		if k, ok := (*op).(constant.Constant); ok {
			c.constant("function @"+fn, k, text)
		}
	}
	switch inst := x.(type) {
	case *ir.InstAlloca:
		if inst.NElems != nil {
			if _, ok := inst.NElems.(*constant.Int); !ok {
				c.errorf("function @%s: alloca of a variable size: %s", fn, text())
			}
		}
	case *ir.InstCall:
		f, ok := inst.Callee.(*ir.Func)
		switch {
		case !ok:
			c.errorf("function @%s: indirect call: %s", fn, text())
		case llAllocators[f.Name()]:
			c.errorf("function @%s: call of %s (heap allocation): %s", fn, f.Name(), text())
		case len(f.Blocks) == 0 && !llLibm[f.Name()]:
			c.errorf("function @%s: call of undefined function %s: %s", fn, f.Name(), text())
		}
	}
}

// recursion reports every function that can reach itself through calls.
func (c *llChecker) recursion(m *ir.Module) {
	calls := map[*ir.Func][]*ir.Func{}
	for _, f := range m.Funcs {
		for _, b := range f.Blocks {
			for _, inst := range b.Insts {
				if call, ok := inst.(*ir.InstCall); ok {
					if g, ok := call.Callee.(*ir.Func); ok {
						calls[f] = append(calls[f], g)
					}
				}
			}
		}
	}
	var names []string
	for _, f := range m.Funcs {
		seen := map[*ir.Func]bool{}
		var reaches func(g *ir.Func) bool
		reaches = func(g *ir.Func) bool {
			for _, h := range calls[g] {
				if h == f {
					return true
				}
				if !seen[h] {
					seen[h] = true
					if reaches(h) {
						return true
					}
				}
			}
			return false
		}
		if reaches(f) {
			names = append(names, f.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		c.errorf("function @%s: recursive (it calls itself, directly or through others)", n)
	}
}
