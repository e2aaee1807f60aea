package loop

import (
	"fmt"
	"strings"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tFloat // also inf and nan
	tPunct
)

type token struct {
	kind      tokKind
	text      string
	off       int // byte offset in the source
	line, col int
	spaced    bool // white space or a comment precedes it
}

// puncts are the operators and delimiters, two-character ones first.
var puncts = []string{"..", "==", "!=", "<=", ">=", "&&", "||",
	"(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "%", "<", ">", "!"}

// lex splits src into tokens; comments run from // to the end of a line.
func lex(src string) ([]token, error) {
	var toks []token
	line, col := 1, 1
	spaced := true
	for i := 0; i < len(src); {
		c := src[i]
		n := 1
		tok := token{off: i, line: line, col: col, spaced: spaced}
		switch {
		case c == '\n':
			line, col, spaced = line+1, 1, true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			spaced = true
		case strings.HasPrefix(src[i:], "//"):
			n = strings.IndexByte(src[i:], '\n')
			if n < 0 {
				n = len(src) - i
			}
			spaced = true
		case isLetter(c):
			n = identLen(src[i:])
			tok.kind, tok.text = tIdent, src[i:i+n]
			if tok.text == "inf" || tok.text == "nan" {
				tok.kind = tFloat
			}
		case isDigit(c):
			n, tok.kind = numberLen(src[i:])
			tok.text = src[i : i+n]
		default:
			n = punctLen(src[i:])
			if n == 0 {
				return nil, fmt.Errorf("%d:%d: unexpected character %q", line, col, rune(c))
			}
			tok.kind, tok.text = tPunct, src[i:i+n]
		}
		if tok.kind != tEOF {
			toks = append(toks, tok)
			spaced = false
		}
		i += n
		col += n
	}
	return append(toks, token{kind: tEOF, off: len(src), line: line, col: col, spaced: true}), nil
}

func isLetter(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// identLen: a letter, then letters, digits, and dots followed by a letter
// (i.outer, but i..n is i then ..).
func identLen(s string) int {
	n := 1
	for n < len(s) {
		c := s[n]
		switch {
		case isLetter(c) || isDigit(c):
			n++
		case c == '.' && n+1 < len(s) && isLetter(s[n+1]):
			n += 2
		default:
			return n
		}
	}
	return n
}

// numberLen: decimal or 0x hex integers; floats with a point followed by a
// digit (so 0..4 is 0 then ..) or an exponent.
func numberLen(s string) (int, tokKind) {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isHex(s[2]) {
		n := 2
		for n < len(s) && isHex(s[n]) {
			n++
		}
		return n, tInt
	}
	n, kind := digits(s, 0), tInt
	if n+1 < len(s) && s[n] == '.' && isDigit(s[n+1]) {
		n, kind = digits(s, n+1), tFloat
	}
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		m := n + 1
		if m < len(s) && (s[m] == '+' || s[m] == '-') {
			m++
		}
		if m < len(s) && isDigit(s[m]) {
			n, kind = digits(s, m), tFloat
		}
	}
	return n, kind
}

func digits(s string, n int) int {
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

func punctLen(s string) int {
	for _, p := range puncts {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
	}
	return 0
}
