// Package automaton is gramc's byte-level pushdown automaton: per-rule DFAs
// linked into a Program, and an Earley Parser that runs it one byte at a
// time. It knows nothing of tokens or vocabularies; package mask walks
// token tries through a Parser, and package runtime drives one per
// sequence.
//
// Building: UTF8Sequences lowers code-point ranges to UTF-8 byte ranges,
// NFA is a Thompson automaton with byte, call (rule reference) and token
// edges, Determinize and Minimize turn it into a DFA (a table over byte
// columns: the intervals the NFA's edges cut the bytes into), NewProgram
// links the rules' DFAs with global state numbering and byte equivalence
// classes.
//
// Running: Parser.Push consumes a byte (one Earley set per byte), Pop and
// Truncate roll back in O(1), Fork shares the sets copy-on-write. Earley
// handles ambiguous and left-recursive grammars exactly in polynomial time;
// counted repetitions (x{m,n} with large bounds) keep the iteration count
// in the item's Param instead of unrolling.
//
// Conventions: p is a *Program, ps a *Parser, s a StateID, it an Item,
// b a byte.
package automaton
