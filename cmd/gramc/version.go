package main

import (
	"fmt"
	goruntime "runtime"
	"runtime/debug"
)

// version is the release version; builds from a checkout report the VCS
// revision as well.
const version = "0.1.0-dev"

type versionReport struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

func runVersion(e *env, args []string) int {
	f := newFlags("version", "[--json]", "Print gramc's version, the VCS revision it was built from and the Go version.")
	if code, ok := f.parse(e, args); !ok {
		return code
	}
	r := versionReport{Version: version, Go: goruntime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				r.Revision = s.Value
			case "vcs.modified":
				r.Modified = s.Value == "true"
			}
		}
	}
	if f.json {
		e.writeJSON(r)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "gramc %s", r.Version)
	if r.Revision != "" {
		rev := r.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		fmt.Fprintf(e.stdout, " (%s", rev)
		if r.Modified {
			fmt.Fprint(e.stdout, ", modified")
		}
		fmt.Fprint(e.stdout, ")")
	}
	fmt.Fprintf(e.stdout, " %s\n", r.Go)
	return exitOK
}
