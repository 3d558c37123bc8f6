package regex

import (
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/gramc/gramc/grammar"
)

// A set of code points is a normalized []grammar.Range: sorted, disjoint,
// non-adjacent, without surrogates (grammar.NormalizeRanges).

func norm(rs []grammar.Range) []grammar.Range { return grammar.NormalizeRanges(rs) }

func union(a, b []grammar.Range) []grammar.Range {
	return norm(append(append([]grammar.Range(nil), a...), b...))
}

func complement(a []grammar.Range) []grammar.Range { return grammar.NegateRanges(a) }

func intersect(a, b []grammar.Range) []grammar.Range {
	var out []grammar.Range
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].Lo, b[j].Lo), min(a[i].Hi, b[j].Hi)
		if lo <= hi {
			out = append(out, grammar.Range{Lo: lo, Hi: hi})
		}
		if a[i].Hi < b[j].Hi {
			i++
		} else {
			j++
		}
	}
	return out
}

func minus(a, b []grammar.Range) []grammar.Range { return intersect(a, complement(b)) }

func contains(rs []grammar.Range, r rune) bool {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].Hi >= r })
	return i < len(rs) && rs[i].Lo <= r
}

func single(r rune) []grammar.Range { return norm([]grammar.Range{{Lo: r, Hi: r}}) }

var allChars = []grammar.Range{{Lo: 0, Hi: 0xD7FF}, {Lo: 0xE000, Hi: utf8.MaxRune}}

// ECMA-262 character class escapes.
var (
	digitSet = []grammar.Range{{Lo: '0', Hi: '9'}}
	wordSet  = norm([]grammar.Range{{Lo: '0', Hi: '9'}, {Lo: 'A', Hi: 'Z'}, {Lo: '_', Hi: '_'}, {Lo: 'a', Hi: 'z'}})
	// WhiteSpace and LineTerminator (ECMA-262 §12.2, §12.3).
	spaceSet = norm([]grammar.Range{
		{Lo: '\t', Hi: '\r'}, // \t \n \v \f \r
		{Lo: ' ', Hi: ' '}, {Lo: 0xA0, Hi: 0xA0}, {Lo: 0x1680, Hi: 0x1680},
		{Lo: 0x2000, Hi: 0x200A}, {Lo: 0x2028, Hi: 0x2029}, {Lo: 0x202F, Hi: 0x202F},
		{Lo: 0x205F, Hi: 0x205F}, {Lo: 0x3000, Hi: 0x3000}, {Lo: 0xFEFF, Hi: 0xFEFF},
	})
	lineTerminators = norm([]grammar.Range{{Lo: '\n', Hi: '\n'}, {Lo: '\r', Hi: '\r'}, {Lo: 0x2028, Hi: 0x2029}})
)

// Case folding. ECMA-262 with the u flag compares characters by simple case
// folding (Canonicalize uses scf): two code points match case-insensitively
// when they fold to the same one, that is, when they are in the same
// unicode.SimpleFold orbit.

var (
	foldOnce  sync.Once
	foldable  []rune  // sorted: the code points whose orbit has more than one member
	foldOrbit []int32 // parallel to foldable: index in foldable of the orbit's smallest member
)

func foldables() []rune {
	foldOnce.Do(func() {
		for r := rune(0); r <= 0x1FFFF; r++ {
			if unicode.SimpleFold(r) != r {
				foldable = append(foldable, r)
			}
		}
		foldOrbit = make([]int32, len(foldable))
		for i, r := range foldable {
			m := r
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				m = min(m, f)
			}
			foldOrbit[i] = int32(sort.Search(len(foldable), func(k int) bool { return foldable[k] >= m }))
		}
	})
	return foldable
}

// orbit returns the code points that match r case-insensitively.
func orbit(r rune) []grammar.Range {
	rs := []grammar.Range{{Lo: r, Hi: r}}
	if r < 0 || r > utf8.MaxRune {
		return rs
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		rs = append(rs, grammar.Range{Lo: f, Hi: f})
	}
	return norm(rs)
}

// fold closes a normalized set under case folding, in time linear in the
// set and the number of foldable code points.
func fold(rs []grammar.Range) []grammar.Range {
	fs := foldables()
	// in[i]: foldable[i] is in rs (a merge walk of two sorted lists).
	in := make([]bool, len(fs))
	marked := make([]bool, len(fs))
	k := 0
	for i, f := range fs {
		for k < len(rs) && rs[k].Hi < f {
			k++
		}
		if k < len(rs) && rs[k].Lo <= f {
			in[i] = true
			marked[foldOrbit[i]] = true
		}
	}
	var extra []grammar.Range
	for i, f := range fs {
		if !in[i] && marked[foldOrbit[i]] {
			extra = append(extra, grammar.Range{Lo: f, Hi: f})
		}
	}
	if len(extra) == 0 {
		return rs
	}
	// Merge the two sorted lists, coalescing adjacent ranges.
	out := make([]grammar.Range, 0, len(rs)+len(extra))
	add := func(r grammar.Range) {
		if n := len(out); n > 0 && r.Lo <= out[n-1].Hi+1 {
			out[n-1].Hi = max(out[n-1].Hi, r.Hi)
			return
		}
		out = append(out, r)
	}
	i, j := 0, 0
	for i < len(rs) || j < len(extra) {
		if j == len(extra) || i < len(rs) && rs[i].Lo < extra[j].Lo {
			add(rs[i])
			i++
		} else {
			add(extra[j])
			j++
		}
	}
	return out
}

func tableRanges(t *unicode.RangeTable) []grammar.Range {
	var rs []grammar.Range
	for _, r := range t.R16 {
		if r.Stride == 1 {
			rs = append(rs, grammar.Range{Lo: rune(r.Lo), Hi: rune(r.Hi)})
			continue
		}
		for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
			rs = append(rs, grammar.Range{Lo: c, Hi: c})
		}
	}
	for _, r := range t.R32 {
		if r.Stride == 1 {
			rs = append(rs, grammar.Range{Lo: rune(r.Lo), Hi: rune(r.Hi)})
			continue
		}
		for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
			rs = append(rs, grammar.Range{Lo: c, Hi: c})
		}
	}
	return norm(rs)
}

func tables(ts ...*unicode.RangeTable) []grammar.Range {
	var rs []grammar.Range
	for _, t := range ts {
		rs = append(rs, tableRanges(t)...)
	}
	return norm(rs)
}

// General_Category values (ECMA-262 table-unicode-general-category-values):
// long name and aliases -> the short name Go's unicode.Categories uses.
var gcAliases = map[string]string{
	"Cased_Letter": "LC", "Close_Punctuation": "Pe", "Connector_Punctuation": "Pc",
	"Control": "Cc", "cntrl": "Cc", "Currency_Symbol": "Sc", "Dash_Punctuation": "Pd",
	"Decimal_Number": "Nd", "digit": "Nd", "Enclosing_Mark": "Me", "Final_Punctuation": "Pf",
	"Format": "Cf", "Initial_Punctuation": "Pi", "Letter": "L", "Letter_Number": "Nl",
	"Line_Separator": "Zl", "Lowercase_Letter": "Ll", "Mark": "M", "Combining_Mark": "M",
	"Math_Symbol": "Sm", "Modifier_Letter": "Lm", "Modifier_Symbol": "Sk",
	"Nonspacing_Mark": "Mn", "Number": "N", "Open_Punctuation": "Ps", "Other": "C",
	"Other_Letter": "Lo", "Other_Number": "No", "Other_Punctuation": "Po",
	"Other_Symbol": "So", "Paragraph_Separator": "Zp", "Private_Use": "Co",
	"Punctuation": "P", "punct": "P", "Separator": "Z", "Space_Separator": "Zs",
	"Spacing_Mark": "Mc", "Surrogate": "Cs", "Symbol": "S", "Titlecase_Letter": "Lt",
	"Unassigned": "Cn", "Uppercase_Letter": "Lu",
}

func generalCategory(v string) ([]grammar.Range, bool) {
	if s, ok := gcAliases[v]; ok {
		v = s
	}
	// Go's tables include Cn (unassigned) in C and have LC (Lu, Ll, Lt).
	if t, ok := unicode.Categories[v]; ok {
		return tableRanges(t), true
	}
	return nil, false
}

func generalCategoryMust(v string) []grammar.Range {
	rs, _ := generalCategory(v)
	return rs
}

// ECMA-262 binary properties (table-binary-unicode-properties), short alias
// -> long name.
var binaryAliases = map[string]string{
	"AHex": "ASCII_Hex_Digit", "Alpha": "Alphabetic", "Bidi_C": "Bidi_Control",
	"Bidi_M": "Bidi_Mirrored", "CI": "Case_Ignorable", "CWCF": "Changes_When_Casefolded",
	"CWCM": "Changes_When_Casemapped", "CWKCF": "Changes_When_NFKC_Casefolded",
	"CWL": "Changes_When_Lowercased", "CWT": "Changes_When_Titlecased",
	"CWU": "Changes_When_Uppercased", "DI": "Default_Ignorable_Code_Point",
	"Dep": "Deprecated", "Dia": "Diacritic", "EBase": "Emoji_Modifier_Base",
	"EComp": "Emoji_Component", "EMod": "Emoji_Modifier", "EPres": "Emoji_Presentation",
	"ExtPict": "Extended_Pictographic", "Ext": "Extender", "Gr_Base": "Grapheme_Base",
	"Gr_Ext": "Grapheme_Extend", "Hex": "Hex_Digit", "IDSB": "IDS_Binary_Operator",
	"IDST": "IDS_Trinary_Operator", "IDC": "ID_Continue", "IDS": "ID_Start",
	"Ideo": "Ideographic", "Join_C": "Join_Control", "LOE": "Logical_Order_Exception",
	"Lower": "Lowercase", "NChar": "Noncharacter_Code_Point", "Pat_Syn": "Pattern_Syntax",
	"Pat_WS": "Pattern_White_Space", "QMark": "Quotation_Mark", "RI": "Regional_Indicator",
	"SD": "Soft_Dotted", "STerm": "Sentence_Terminal", "Term": "Terminal_Punctuation",
	"UIdeo": "Unified_Ideograph", "Upper": "Uppercase", "VS": "Variation_Selector",
	"space": "White_Space", "XIDC": "XID_Continue", "XIDS": "XID_Start",
}

// binaryNames are the ECMA-262 binary properties that Go's unicode package
// has no table for and that are not derived here: valid, but refused.
var binaryUnsupported = map[string]bool{
	"Bidi_Mirrored": true, "Case_Ignorable": true, "Changes_When_Casefolded": true,
	"Changes_When_Casemapped": true, "Changes_When_NFKC_Casefolded": true,
	"Changes_When_Lowercased": true, "Changes_When_Titlecased": true,
	"Changes_When_Uppercased": true, "Default_Ignorable_Code_Point": true,
	"Emoji": true, "Emoji_Component": true, "Emoji_Modifier": true,
	"Emoji_Modifier_Base": true, "Emoji_Presentation": true, "Extended_Pictographic": true,
	"Grapheme_Base": true, "Grapheme_Extend": true, "XID_Continue": true, "XID_Start": true,
}

// binaryProperty returns the set of a binary property; known reports
// whether name is an ECMA-262 binary property at all.
func binaryProperty(name string) (rs []grammar.Range, known bool) {
	if long, ok := binaryAliases[name]; ok {
		name = long
	}
	if binaryUnsupported[name] {
		return nil, true
	}
	u := unicode.Properties
	switch name {
	case "Any":
		return allChars, true
	case "ASCII":
		return []grammar.Range{{Lo: 0, Hi: 0x7F}}, true
	case "Assigned":
		return complement(generalCategoryMust("Cn")), true
	case "Alphabetic":
		return tables(unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, u["Other_Alphabetic"]), true
	case "Lowercase":
		return tables(unicode.Ll, u["Other_Lowercase"]), true
	case "Uppercase":
		return tables(unicode.Lu, u["Other_Uppercase"]), true
	case "Cased":
		return tables(unicode.Ll, u["Other_Lowercase"], unicode.Lu, u["Other_Uppercase"], unicode.Lt), true
	case "Math":
		return tables(unicode.Sm, u["Other_Math"]), true
	case "ID_Start", "ID_Continue":
		rs := tables(unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, u["Other_ID_Start"])
		if name == "ID_Continue" {
			rs = union(rs, tables(unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, u["Other_ID_Continue"]))
		}
		return minus(rs, tables(u["Pattern_Syntax"], u["Pattern_White_Space"])), true
	}
	if len(name) > 6 && name[:6] == "Other_" || name == "Hyphen" || name == "STerm" || name == "Prepended_Concatenation_Mark" {
		return nil, false // contributory or deprecated: not ECMA-262 properties
	}
	if t, ok := u[name]; ok {
		return tableRanges(t), true
	}
	return nil, false
}

// Script value aliases (ISO 15924 codes) for the scripts most often named.
var scriptAliases = map[string]string{
	"Adlm": "Adlam", "Arab": "Arabic", "Armn": "Armenian", "Beng": "Bengali",
	"Bopo": "Bopomofo", "Brai": "Braille", "Cher": "Cherokee", "Copt": "Coptic",
	"Qaac": "Coptic", "Cyrl": "Cyrillic", "Deva": "Devanagari", "Ethi": "Ethiopic",
	"Geor": "Georgian", "Goth": "Gothic", "Grek": "Greek", "Gujr": "Gujarati",
	"Guru": "Gurmukhi", "Hang": "Hangul", "Hani": "Han", "Hebr": "Hebrew",
	"Hira": "Hiragana", "Kana": "Katakana", "Khmr": "Khmer", "Knda": "Kannada",
	"Laoo": "Lao", "Latn": "Latin", "Mlym": "Malayalam", "Mong": "Mongolian",
	"Mymr": "Myanmar", "Ogam": "Ogham", "Orya": "Oriya", "Runr": "Runic",
	"Sinh": "Sinhala", "Syrc": "Syriac", "Taml": "Tamil", "Telu": "Telugu",
	"Thaa": "Thaana", "Thai": "Thai", "Tibt": "Tibetan", "Zinh": "Inherited",
	"Qaai": "Inherited", "Zyyy": "Common", "Zzzz": "Unknown", "Yiii": "Yi",
	"Tglg": "Tagalog", "Cans": "Canadian_Aboriginal", "Vaii": "Vai", "Tfng": "Tifinagh",
}

var propertyCache sync.Map // name or name=value -> []grammar.Range

// property resolves the contents of \p{...}: name=value or a lone name.
// The sets are cached and shared: callers must not modify them.
func property(name, value string, hasValue bool, pos int) ([]grammar.Range, *Error) {
	key := name
	if hasValue {
		key += "=" + value
	}
	if rs, ok := propertyCache.Load(key); ok {
		return rs.([]grammar.Range), nil
	}
	rs, err := lookupProperty(name, value, hasValue, pos)
	if err == nil {
		propertyCache.Store(key, rs)
	}
	return rs, err
}

func lookupProperty(name, value string, hasValue bool, pos int) ([]grammar.Range, *Error) {
	if hasValue {
		switch name {
		case "General_Category", "gc":
			if rs, ok := generalCategory(value); ok {
				return rs, nil
			}
			return nil, syntaxErr(pos, "unknown General_Category value %q in \\p{...}", value)
		case "Script", "sc":
			if s, ok := scriptAliases[value]; ok {
				value = s
			}
			if value == "Unknown" {
				var all []grammar.Range
				for _, t := range unicode.Scripts {
					all = append(all, tableRanges(t)...)
				}
				return complement(norm(all)), nil
			}
			if t, ok := unicode.Scripts[value]; ok {
				return tableRanges(t), nil
			}
			return nil, syntaxErr(pos, "unknown script %q in \\p{...} (Go's unicode package has no such script; write the long name, e.g. Script=Greek)", value)
		case "Script_Extensions", "scx":
			return nil, unsupportedErr(pos, "\\p{%s=%s}: Script_Extensions is not supported (Go's unicode package has no Script_Extensions data)", name, value)
		}
		return nil, syntaxErr(pos, "unknown Unicode property %q in \\p{...} (ECMA-262 allows General_Category, Script and Script_Extensions)", name)
	}
	if rs, ok := generalCategory(name); ok {
		return rs, nil
	}
	rs, known := binaryProperty(name)
	if known && rs == nil {
		return nil, unsupportedErr(pos, "\\p{%s}: Go's unicode package has no table for this property", name)
	}
	if known {
		return rs, nil
	}
	if _, ok := unicode.Scripts[name]; ok {
		return nil, syntaxErr(pos, "\\p{%s} is not valid ECMA-262: a script must be written \\p{Script=%s}", name, name)
	}
	return nil, syntaxErr(pos, "unknown Unicode property %q in \\p{...}", name)
}
