package grammar

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ErrorCode classifies a grammar error.
type ErrorCode string

// Error codes reported by Validate and by the front ends.
const (
	ErrSyntax         ErrorCode = "syntax error"
	ErrNoRoot         ErrorCode = "missing root rule"
	ErrDuplicateRule  ErrorCode = "duplicate rule"
	ErrUndefinedRule  ErrorCode = "undefined rule"
	ErrUnreachable    ErrorCode = "unreachable rule"
	ErrEmptyLanguage  ErrorCode = "empty language"
	ErrNonTerminating ErrorCode = "rule can never terminate"
	ErrBadRepeat      ErrorCode = "bad repetition bounds"
	ErrBadClass       ErrorCode = "bad character class"
	ErrBadToken       ErrorCode = "bad token reference"
	ErrInvalidUTF8    ErrorCode = "invalid UTF-8"
	ErrTooLarge       ErrorCode = "grammar too large"
)

// Error is a positioned grammar error, formatted file:line:col: message.
type Error struct {
	Pos  Pos
	Code ErrorCode
	Msg  string
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = string(e.Code)
	}
	if p := e.Pos.String(); p != "" {
		return p + ": " + msg
	}
	return msg
}

// Errorf returns an *Error with a formatted message.
func Errorf(pos Pos, code ErrorCode, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)}
}

// ErrorList is a list of errors sorted by position. It is itself an error.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil for an empty list and the list otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.sort()
	return l
}

func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// Limits bound the size of a grammar that Validate accepts.
const (
	MaxRules       = 100_000
	MaxRepeatBound = 1 << 24
)

// Validate checks g: the root exists, rule names are unique, references are
// defined, repetition bounds and classes are well formed, and every rule
// that the root reaches can derive a finite string (the language is not
// empty and no rule is non-terminating). It returns an ErrorList or nil.
// Unreachable rules are not errors; Check reports them as warnings.
func Validate(g *Grammar) error {
	_, err := Check(g)
	return err
}

// ValidateFile is Validate for a grammar parsed from file: errors that
// carry no file name (a missing root, say) get file's.
func ValidateFile(g *Grammar, file string) error {
	err := Validate(g)
	if list, ok := err.(ErrorList); ok {
		for _, e := range list {
			if e.Pos.File == "" {
				e.Pos.File = file
			}
		}
	}
	return err
}

// Check is Validate that also returns warnings (unreachable rules).
func Check(g *Grammar) (warnings ErrorList, err error) {
	var errs ErrorList
	if len(g.Rules) > MaxRules {
		return nil, ErrorList{Errorf(Pos{}, ErrTooLarge, "grammar has %d rules, more than the limit %d", len(g.Rules), MaxRules)}
	}
	byName := make(map[string]*Rule, len(g.Rules))
	for _, r := range g.Rules {
		if prev, ok := byName[r.Name]; ok {
			errs = append(errs, Errorf(r.Pos, ErrDuplicateRule, "rule %q defined twice (first at %s)", r.Name, prev.Pos))
			continue
		}
		byName[r.Name] = r
	}
	root := byName[g.Root]
	if root == nil {
		errs = append(errs, Errorf(Pos{}, ErrNoRoot, "missing root rule %q", g.Root))
	}
	for _, r := range g.Rules {
		if r.Body == nil {
			errs = append(errs, Errorf(r.Pos, ErrSyntax, "rule %q has no body", r.Name))
			continue
		}
		Walk(r.Body, func(e Expr) bool {
			switch e := e.(type) {
			case *Ref:
				if byName[e.Name] == nil {
					errs = append(errs, Errorf(e.Pos, ErrUndefinedRule, "undefined rule %q", e.Name))
				}
			case *Repeat:
				if e.Min < 0 || e.Min > MaxRepeatBound || (e.Max != Unbounded && (e.Max < e.Min || e.Max > MaxRepeatBound)) {
					errs = append(errs, Errorf(e.Pos, ErrBadRepeat, "bad repetition bounds {%d,%s}", e.Min, boundString(e.Max)))
				}
			case *Class:
				for _, rg := range e.Ranges {
					if rg.Lo > rg.Hi || rg.Lo < 0 || rg.Hi > utf8.MaxRune {
						errs = append(errs, Errorf(e.Pos, ErrBadClass, "bad character range %s-%s", runeString(rg.Lo), runeString(rg.Hi)))
					}
				}
			case *Machine:
				if len(e.States) == 0 || len(e.States) > MaxMachineStates {
					errs = append(errs, Errorf(e.Pos, ErrTooLarge, "a machine needs 1 to %d states, not %d", MaxMachineStates, len(e.States)))
				}
				for _, st := range e.States {
					for _, ed := range st.Edges {
						if ed.To < 0 || ed.To >= len(e.States) || ed.Lo > ed.Hi {
							errs = append(errs, Errorf(e.Pos, ErrSyntax, "machine edge %d-%d -> %d out of range", ed.Lo, ed.Hi, ed.To))
						}
					}
				}
			case *And:
				if len(e.Items) == 0 {
					errs = append(errs, Errorf(e.Pos, ErrSyntax, "intersection of nothing"))
				}
			case *Not:
				if e.X == nil || e.Within == nil {
					errs = append(errs, Errorf(e.Pos, ErrSyntax, "complement needs X and Within"))
				}
			case *Perm:
				if e.Open == nil || e.Sep == nil || e.Close == nil || len(e.Required) != len(e.Items) {
					errs = append(errs, Errorf(e.Pos, ErrSyntax, "permutation needs Open, Sep, Close and one Required flag per item"))
				} else if len(e.Items) > 48 {
					errs = append(errs, Errorf(e.Pos, ErrTooLarge, "permutation has %d members, more than the limit 48", len(e.Items)))
				} else if e.Min < 0 || (e.Max != Unbounded && e.Max < e.Min) {
					errs = append(errs, Errorf(e.Pos, ErrBadRepeat, "bad member count bounds {%d,%s}", e.Min, boundString(e.Max)))
				}
			case *Token:
				for _, id := range e.IDs {
					if id < 0 {
						errs = append(errs, Errorf(e.Pos, ErrBadToken, "negative token id %d", id))
					}
				}
			}
			return true
		})
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}

	// Productivity: a rule is productive if it can derive a finite string.
	productive := make(map[string]bool, len(g.Rules))
	for changed := true; changed; {
		changed = false
		for _, r := range g.Rules {
			if !productive[r.Name] && Productive(r.Body, productive) {
				productive[r.Name] = true
				changed = true
			}
		}
	}
	// Reachability from the root.
	reached := map[string]bool{g.Root: true}
	queue := []*Rule{root}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		Walk(r.Body, func(e Expr) bool {
			if ref, ok := e.(*Ref); ok && !reached[ref.Name] {
				reached[ref.Name] = true
				queue = append(queue, byName[ref.Name])
			}
			return true
		})
	}
	if !productive[g.Root] {
		errs = append(errs, Errorf(root.Pos, ErrEmptyLanguage, "the grammar's language is empty: root rule %q can never derive a finite string", g.Root))
	}
	for _, r := range g.Rules {
		switch {
		case !reached[r.Name]:
			warnings = append(warnings, Errorf(r.Pos, ErrUnreachable, "rule %q is not reachable from %q", r.Name, g.Root))
		case r != root && !productive[r.Name]:
			errs = append(errs, Errorf(r.Pos, ErrNonTerminating, "rule %q can never terminate (every alternative recurses without end)", r.Name))
		}
	}
	warnings.sort()
	return warnings, errs.Err()
}

// Productive reports whether e can derive a finite string, given which rules
// are known to be productive.
func Productive(e Expr, rules map[string]bool) bool {
	switch e := e.(type) {
	case *Bytes:
		return true
	case *Class:
		return !ClassEmpty(e)
	case *Seq:
		for _, x := range e.Items {
			if !Productive(x, rules) {
				return false
			}
		}
		return true
	case *Alt:
		for _, x := range e.Alts {
			if Productive(x, rules) {
				return true
			}
		}
		return false
	case *Repeat:
		return e.Min == 0 || Productive(e.X, rules)
	case *Ref:
		return rules[e.Name]
	case *Token:
		return len(e.IDs) > 0 || len(e.Names) > 0 || e.Negated
	case *Machine:
		return machineProductive(e)
	case *And, *Not:
		// Emptiness of an intersection or complement is decided when it
		// is compiled to an automaton (an empty rule is an error there).
		return true
	case *Perm:
		if !Productive(e.Open, rules) || !Productive(e.Close, rules) {
			return false
		}
		need := 0
		for i, x := range e.Items {
			if e.Required[i] {
				if !Productive(x, rules) {
					return false
				}
				need++
			}
		}
		if e.Max != Unbounded && need > e.Max {
			return false
		}
		if need > 0 || e.Min > 0 {
			if !Productive(e.Sep, rules) && need+e.Min > 1 {
				return false
			}
		}
		avail := 0
		for _, x := range e.Items {
			if Productive(x, rules) {
				avail++
			}
		}
		return e.Min <= avail || (e.Extra != nil && Productive(e.Extra, rules))
	}
	return false
}

// ClassRanges returns the code points c matches, as normalized ranges
// (its Negated flag applied).
func ClassRanges(c *Class) []Range {
	rs := NormalizeRanges(c.Ranges)
	if c.Negated {
		rs = NegateRanges(rs)
	}
	return rs
}

// ClassEmpty reports whether c matches no code point.
func ClassEmpty(c *Class) bool { return len(ClassRanges(c)) == 0 }

// NormalizeRanges sorts and merges ranges and removes surrogates.
func NormalizeRanges(in []Range) []Range {
	rs := append([]Range(nil), in...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Lo < rs[j].Lo })
	var out []Range
	for _, r := range rs {
		if r.Lo > r.Hi {
			continue
		}
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			if r.Hi > out[n-1].Hi {
				out[n-1].Hi = r.Hi
			}
			continue
		}
		out = append(out, r)
	}
	return removeSurrogates(out)
}

// NegateRanges returns the complement of normalized ranges within the valid
// Unicode scalar values.
func NegateRanges(rs []Range) []Range {
	var out []Range
	next := rune(0)
	for _, r := range rs {
		if r.Lo > next {
			out = append(out, Range{next, r.Lo - 1})
		}
		next = r.Hi + 1
	}
	if next <= utf8.MaxRune {
		out = append(out, Range{next, utf8.MaxRune})
	}
	return removeSurrogates(out)
}

func removeSurrogates(rs []Range) []Range {
	const lo, hi = 0xD800, 0xDFFF
	var out []Range
	for _, r := range rs {
		if r.Hi < lo || r.Lo > hi {
			out = append(out, r)
			continue
		}
		if r.Lo < lo {
			out = append(out, Range{r.Lo, lo - 1})
		}
		if r.Hi > hi {
			out = append(out, Range{hi + 1, r.Hi})
		}
	}
	return out
}

func boundString(n int) string {
	if n == Unbounded {
		return ""
	}
	return fmt.Sprint(n)
}

func runeString(r rune) string {
	if r < 0 {
		return fmt.Sprintf("%d", r)
	}
	return fmt.Sprintf("%U", r)
}

// MaxMachineStates bounds the states of a Machine.
const MaxMachineStates = 1 << 20

// machineProductive reports whether an accepting state is reachable.
func machineProductive(m *Machine) bool {
	if len(m.States) == 0 {
		return false
	}
	seen := make([]bool, len(m.States))
	stack := []int{0}
	seen[0] = true
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m.States[s].Accept {
			return true
		}
		for _, e := range m.States[s].Edges {
			if e.To >= 0 && e.To < len(m.States) && !seen[e.To] {
				seen[e.To] = true
				stack = append(stack, e.To)
			}
		}
	}
	return false
}
