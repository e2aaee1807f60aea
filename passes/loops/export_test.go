package loops

// CountStmts lets the external tests count statements as the passes do.
var CountStmts = countStmts
