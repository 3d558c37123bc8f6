package main

import (
	"fmt"
	"strings"

	"github.com/gramc/gramc/conformance"
	"github.com/gramc/gramc/grammar/jsonschema"
)

// listFlag collects a repeatable flag (comma lists allowed).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*l = append(*l, x)
		}
	}
	return nil
}

func runConformance(e *env, args []string) int {
	f := newFlags("conformance", "[--suite DIR] [--draft D]... [--category C]... [--json] [--summary] [--cases]", `
Run the official JSON-Schema-Test-Suite through the JSON Schema compiler and
the byte-level recognizer. For each test case the schema is compiled
strictly; if it compiles, each instance's compact JSON text (as written) must
be accepted exactly when the suite says it is valid. A case passes when it
compiles and every instance is classified right; a file's score is the
fraction of its cases that pass; a draft's headline is the mean over its
top-level keyword files (all but format, refRemote and vocabulary), the
JSONSchemaBench scoring. Instances are also checked with
santhosh-tekuri/jsonschema, and disagreements with the suite are counted.

Exit 1 if any invalid instance is accepted (a false positive).`)
	suite := f.String("suite", "", "JSON-Schema-Test-Suite `dir` (default: ../shared/corpora/JSON-Schema-Test-Suite)")
	var drafts, cats listFlag
	f.Var(&drafts, "draft", "dialect to run: 4, 6, 7, 2019-09, 2020-12 or v1 (repeatable; default all)")
	f.Var(&cats, "category", "required, optional or format (optional/format; format/ in v1) (repeatable; default all)")
	summary := f.Bool("summary", false, "print only the per-draft summary")
	cases := f.Bool("cases", false, "with --json, include every test case and instance")
	f.tokenizerFlag()
	ws := f.String("whitespace", "compact", "whitespace policy of the grammars: compact or flexible")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	opts := conformance.Options{Suite: *suite, Drafts: drafts}
	for _, c := range cats {
		switch c {
		case "required":
			opts.Categories = append(opts.Categories, conformance.Required)
		case "optional":
			opts.Categories = append(opts.Categories, conformance.Optional)
		case "format", "optional/format":
			opts.Categories = append(opts.Categories, conformance.Format)
		default:
			return e.errorf(exitUsage, "gramc conformance: unknown category %q (want required, optional or format)", c)
		}
	}
	switch *ws {
	case "compact":
	case "flexible":
		opts.Whitespace = jsonschema.Flexible
	default:
		return e.errorf(exitUsage, "gramc conformance: unknown whitespace policy %q (want compact or flexible)", *ws)
	}
	for _, d := range drafts {
		if _, err := conformance.DraftDir(d); err != nil {
			return e.errorf(exitUsage, "gramc conformance: %v", err)
		}
	}
	e.progressf("running the JSON-Schema-Test-Suite...")
	if f.tokenizer != "" {
		v, err := loadVocab(f.tokenizer)
		if err != nil {
			return e.fail("conformance", exitUsage, err)
		}
		if !v.CanEncode() {
			return e.errorf(exitUsage, "gramc conformance: %s has no encoder: instances cannot be tokenized", f.tokenizer)
		}
		opts.Vocab = v
	}
	rep, err := conformance.Run(opts)
	if err != nil {
		return e.fail("conformance", exitUsage, err)
	}
	if f.json {
		if !*cases {
			for _, file := range rep.Files {
				file.Cases = nil
			}
		}
		e.writeJSON(rep.Files)
	} else {
		rep.WriteTable(e.stdout, !*summary)
		if fp := rep.FalsePositives(); fp > 0 {
			fmt.Fprintf(e.stdout, "\n%d false positives (invalid instances accepted):\n", fp)
			for _, file := range rep.Files {
				for _, g := range file.Cases {
					for _, t := range g.Tests {
						if t.Accepted && !t.Valid {
							fmt.Fprintf(e.stdout, "  %s/%s: %s: %s\n", file.Draft, file.File, g.Description, t.Description)
						}
					}
				}
			}
		}
	}
	if rep.FalsePositives() > 0 {
		return exitNo
	}
	return exitOK
}
