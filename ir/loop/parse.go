package loop

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// Parse reads one kernel in the .kir text format that Kernel.String prints.
// Constants printed as data(count, hash) take their values from data, by
// buffer name; data may be nil when every constant is printed inline.
// Errors name the line and column.
func Parse(src string, data map[string]*dtype.Array) (k *Kernel, err error) {
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("loop: %w", err)
	}
	p := &parser{src: src, toks: toks, k: &Kernel{}, data: data}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			k, err = nil, b.err
		}
	}()
	p.kernel()
	return p.k, nil
}

type parser struct {
	src   string
	toks  []token
	pos   int
	k     *Kernel
	scope []VarID // loop variables in scope, outermost first
	data  map[string]*dtype.Array
}

// bailout carries the first error out of the recursive descent.
type bailout struct{ err error }

func (p *parser) failAt(t token, format string, args ...any) {
	panic(bailout{fmt.Errorf("loop: %d:%d: %s", t.line, t.col, fmt.Sprintf(format, args...))})
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) ahead(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// is reports whether the next token is the punctuation or word s.
func (p *parser) is(s string) bool {
	t := p.peek()
	return (t.kind == tPunct || t.kind == tIdent) && t.text == s
}

func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(s string) token {
	if !p.is(s) {
		p.failAt(p.peek(), "expected %q, found %s", s, describe(p.peek()))
	}
	return p.next()
}

func describe(t token) string {
	if t.kind == tEOF {
		return "end of input"
	}
	return fmt.Sprintf("%q", t.text)
}

// name reads an identifier that is not a reserved word.
func (p *parser) name(what string) token {
	t := p.peek()
	if t.kind != tIdent || reserved[t.text] {
		p.failAt(t, "expected %s name, found %s", what, describe(t))
	}
	return p.next()
}

// reserved words cannot name kernels, buffers or loop variables.
var reserved = map[string]bool{
	"kernel": true, "in": true, "out": true, "const": true, "temp": true,
	"for": true, "if": true, "else": true, "step": true, "parallel": true, "unroll": true,
	"true": true, "false": true, "inf": true, "nan": true,
	"cast": true, "select": true, "min": true, "max": true,
	"partition": true, "reg": true, "ram": true, "rom": true, "offchip": true,
}

func (p *parser) kernel() {
	p.expect("kernel")
	p.k.Name = p.name("kernel").text
	p.expect("(")
	for !p.is(")") {
		if len(p.k.Params) > 0 {
			p.expect(",")
		}
		p.k.Params = append(p.k.Params, p.decl())
	}
	p.expect(")")
	p.expect("{")
	for p.isRole() {
		p.decl()
	}
	p.k.Body = p.stmtsUntilClose()
	if t := p.peek(); t.kind != tEOF {
		p.failAt(t, "unexpected %s after the kernel", describe(t))
	}
}

func (p *parser) isRole() bool {
	t := p.peek()
	return t.kind == tIdent && (t.text == "temp" || t.text == "in" || t.text == "out" || t.text == "const")
}

// kind reads an element kind; a parameterised kind such as fixed<16,6> is
// read whole and looked up by its text without spaces.
func (p *parser) kind() dtype.Kind {
	t := p.peek()
	if t.kind != tIdent {
		p.failAt(t, "expected a kind, found %s", describe(t))
	}
	p.next()
	text := t.text
	if p.is("<") && !p.peek().spaced {
		depth := 0
		for {
			u := p.next()
			switch {
			case u.kind == tEOF:
				p.failAt(u, "unterminated kind %s", t.text)
			case u.text == "<":
				depth++
			case u.text == ">":
				depth--
			}
			if depth == 0 {
				text = strings.Join(strings.Fields(p.src[t.off:u.off+1]), "")
				break
			}
		}
	}
	k, ok := dtype.KindByName(text)
	if !ok {
		p.failAt(t, "unknown kind %q", text)
	}
	return k
}

// stmtsUntilClose reads statements up to and including a closing brace.
func (p *parser) stmtsUntilClose() []Stmt {
	var body []Stmt
	for !p.accept("}") {
		body = append(body, p.stmt())
	}
	return body
}

func (p *parser) block() []Stmt {
	p.expect("{")
	return p.stmtsUntilClose()
}
