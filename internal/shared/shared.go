// Package shared locates the shared corpora folder (tokenizer vocabularies,
// JSON-Schema test suites, grammars) that tests and benchmarks read.
//
// The folder lives outside the module: with the repository at /work/main
// it is /work/shared. Tests call SharedDir and skip when it is not found.
package shared

import (
	"os"
	"path/filepath"
)

// EnvVar names the environment variable that overrides the lookup.
const EnvVar = "GRAMC_SHARED"

// SharedDir returns the shared corpora folder and whether it was found.
//
// If the environment variable GRAMC_SHARED is set, it is used as is (and
// reported as found only if it is a directory). Otherwise SharedDir walks
// up from the working directory and, at each level, looks for a sibling
// folder named "shared" that holds a "vocab" or "corpora" subfolder.
func SharedDir() (string, bool) {
	if dir, ok := os.LookupEnv(EnvVar); ok && dir != "" {
		return dir, isDir(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, "shared")
		if isDir(filepath.Join(cand, "vocab")) || isDir(filepath.Join(cand, "corpora")) {
			return cand, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
