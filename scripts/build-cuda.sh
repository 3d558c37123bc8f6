#!/usr/bin/env bash
# Builds the cuda-tagged gramc binary and the mask/cuda device test binary
# here, without a CUDA install: headers and the libcuda link stub come from
# Debian's nvidia-cuda-dev, unpacked once under ~/.cache/gramc-cuda
# (scripts/cuda-env.sh). The binaries need only glibc and the NVIDIA
# driver's libcuda.so.1 at run time; copy or carry bin/ to the GPU machine.
#
# Usage: scripts/build-cuda.sh [OUTDIR]   (default bin)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bin}"
eval "$(scripts/cuda-env.sh)"
mkdir -p "$out"
go build -tags cuda -trimpath -o "$out/gramc-cuda" ./cmd/gramc
go test -tags cuda -c -o "$out/cuda.test" ./mask/cuda
echo "built $out/gramc-cuda and $out/cuda.test (run scripts/gpu-check.sh on the GPU machine)" >&2
