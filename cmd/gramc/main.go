// Command gramc compiles grammars, checks texts against them, verifies the
// precomputed token masks, samples random outputs and benchmarks masking.
//
//	gramc compile  --grammar FILE [--tokenizer PATH]
//	gramc check    --grammar FILE [--input FILE|-]
//	gramc verify   --grammar FILE [--tokenizer PATH] [--samples N] [--seed S] [--steps N]
//	gramc generate [--grammar FILE] [--tokenizer PATH] [-n N] [--seed S] [--max-tokens N]
//	gramc bench    [--grammar FILE] [--tokenizer PATH] (--input FILE | --jsonschemabench DIR)
//	gramc version
//
// Without --grammar the embedded JSON grammar is used, without --tokenizer
// the embedded byte-level vocabulary. Every subcommand takes --help and
// --json. Exit codes: 0 success, 1 a negative answer (no match, a mask
// mismatch, a failed generation), 2 a usage or input error.
//
// See docs/CLI.md for the full reference.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK    = 0 // success
	exitNo    = 1 // a negative answer
	exitUsage = 2 // bad usage or bad input
)

type command struct {
	name, summary string
	run           func(e *env, args []string) int
}

var commands = []command{
	{"compile", "compile a grammar and print its automaton and mask statistics", runCompile},
	{"check", "check whether a text matches a grammar", runCheck},
	{"verify", "compare the precomputed masks with a brute-force reference", runVerify},
	{"generate", "sample random outputs through the token masks", runGenerate},
	{"convert", "convert a grammar between GBNF, Lark, regex, JSON Schema and the IR", runConvert},
	{"bench", "replay texts token by token and time the masks", withBenchGPU(runBench)},
	{"conformance", "run the JSON-Schema-Test-Suite through the JSON Schema compiler", runConformance},
	{"version", "print the version", runVersion},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && name == "help" {
			for _, c := range commands {
				if c.name == args[1] {
					return c.run(e, []string{"--help"})
				}
			}
			fmt.Fprintf(stderr, "gramc: unknown command %q\n", args[1])
			return exitUsage
		}
		usage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "gramc: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "gramc: grammar-constrained decoding engine")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: gramc <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'gramc <command> --help' for a command's flags. Without --grammar the")
	fmt.Fprintln(w, "embedded JSON grammar is used, without --tokenizer the embedded byte-level")
	fmt.Fprintln(w, "vocabulary. Exit codes: 0 ok, 1 negative answer, 2 usage or input error.")
}
