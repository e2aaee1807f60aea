package sweep

// KnobsJSON is d's knobs object as a results line holds it.
func KnobsJSON(d Design) []byte { return d.appendKnobsJSON(nil) }
