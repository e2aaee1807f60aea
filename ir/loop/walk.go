package loop

// WalkExprs calls f on every expression in body: store values and the
// data-dependent parts of indices, If conditions, and every operand
// inside them, operands before the expressions that use them.
func WalkExprs(body []Stmt, f func(Expr)) {
	for _, s := range body {
		switch s := s.(type) {
		case *For:
			WalkExprs(s.Body, f)
		case *Store:
			walkIndex(s.Index, f)
			WalkExpr(s.Value, f)
		case *If:
			WalkExpr(s.Cond, f)
			WalkExprs(s.Then, f)
			WalkExprs(s.Else, f)
		}
	}
}

// WalkStores calls f on every store in body, in program order.
func WalkStores(body []Stmt, f func(*Store)) {
	for _, s := range body {
		switch s := s.(type) {
		case *For:
			WalkStores(s.Body, f)
		case *Store:
			f(s)
		case *If:
			WalkStores(s.Then, f)
			WalkStores(s.Else, f)
		}
	}
}

// WalkExpr calls f on e and every expression inside it (indices'
// data-dependent parts included), operands first.
func WalkExpr(e Expr, f func(Expr)) {
	switch e := e.(type) {
	case *Load:
		walkIndex(e.Index, f)
	case *Bin:
		WalkExpr(e.X, f)
		WalkExpr(e.Y, f)
	case *Un:
		WalkExpr(e.X, f)
	case *Cast:
		WalkExpr(e.X, f)
	case *Select:
		WalkExpr(e.Cond, f)
		WalkExpr(e.X, f)
		WalkExpr(e.Y, f)
	case *Call:
		for _, a := range e.Args {
			WalkExpr(a, f)
		}
	}
	f(e)
}

func walkIndex(ix []Index, f func(Expr)) {
	for _, i := range ix {
		if i.Dyn != nil {
			WalkExpr(i.Dyn, f)
		}
	}
}
