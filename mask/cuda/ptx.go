package cuda

import (
	"fmt"
	"os"
	"strings"
)

//go:generate bash ../../scripts/build-ptx.sh

// The PTX, kernels.ptx, is made from kernels.cu by `go generate` and
// committed; cuda builds embed it as embeddedPTX (ptx_embed.go), other
// builds leave it empty (ptx_none.go).

// PTXEnv names an environment variable that, when set, names a PTX file
// to load instead of the embedded one (e.g. one rebuilt by nvcc 13 on the
// GPU machine).
const PTXEnv = "GRAMC_PTX"

// PTX returns the kernels' PTX and where it came from: the file named by
// $GRAMC_PTX, or the embedded copy. It fails with ErrPTXNotBuilt when the
// PTX lacks a kernel.
func PTX() (src, origin string, err error) {
	src, origin = embeddedPTX, "embedded kernels.ptx"
	if path := os.Getenv(PTXEnv); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", path, fmt.Errorf("%s: %w", PTXEnv, err)
		}
		src, origin = string(b), path
	}
	if missing := MissingKernels(src); len(missing) > 0 {
		return "", origin, fmt.Errorf("%w: %s lacks %s", ErrPTXNotBuilt, origin, strings.Join(missing, ", "))
	}
	return src, origin, nil
}

// MissingKernels lists the entry points of KernelNames that ptx lacks.
func MissingKernels(ptx string) []string {
	var missing []string
	for _, name := range KernelNames() {
		if !strings.Contains(ptx, ".entry "+name+"(") {
			missing = append(missing, name)
		}
	}
	return missing
}

// PTXInfo summarizes the embedded PTX: its compiler line, ISA version and
// target ("" when not built).
func PTXInfo() string {
	var parts []string
	for _, line := range strings.Split(embeddedPTX, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "// Cuda compilation tools"):
			parts = append(parts, strings.TrimPrefix(line, "// "))
		case strings.HasPrefix(line, ".version"), strings.HasPrefix(line, ".target"):
			parts = append(parts, line)
		}
		if len(parts) == 3 {
			break
		}
	}
	return strings.Join(parts, "; ")
}
