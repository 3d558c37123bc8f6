#!/usr/bin/env bash
# Compiles mask/cuda/kernels.cu to mask/cuda/kernels.ptx (committed and
# embedded; `go generate ./mask/cuda` runs this).
#
# nvcc: $NVCC if set, else nvcc on PATH, else /usr/local/cuda/bin/nvcc, else
# Debian's nvcc 11.8 unpacked under ~/.cache/gramc-cuda by
# scripts/cuda-env.sh --nvcc (downloaded once; no system install).
# Usage: scripts/build-ptx.sh [OUT.ptx]   (default mask/cuda/kernels.ptx)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/mask/cuda/kernels.cu"
out="${1:-$here/mask/cuda/kernels.ptx}"
arch="${GRAMC_PTX_ARCH:-sm_80}" # sm_80 PTX is JIT-compiled for Hopper (sm_90) by the driver

nvcc="${NVCC:-}"
extra=()
if [[ -z $nvcc ]]; then
	if command -v nvcc >/dev/null; then
		nvcc=$(command -v nvcc)
	elif [[ -x /usr/local/cuda/bin/nvcc ]]; then
		nvcc=/usr/local/cuda/bin/nvcc
	else
		eval "$("$here/scripts/cuda-env.sh" --nvcc)" || {
			echo "build-ptx: no nvcc (and Debian's could not be fetched); kernels.ptx left as is" >&2
			exit 1
		}
		nvcc="$GRAMC_CUDA_ROOT/usr/lib/nvidia-cuda-toolkit/bin/nvcc"
	fi
fi
# Debian's nvcc 11.8 refuses gcc 12; with -ptx the host compiler only
# preprocesses, so an unsupported one is safe (absolute path: the toolkit's
# own g++ wrapper looks only for g++-11).
if "$nvcc" --version | grep -q "release 11\."; then
	extra+=(-ccbin "$(command -v g++)" -allow-unsupported-compiler)
fi
tmp="$out.tmp.$$"
"$nvcc" -ptx -arch="$arch" -O3 -fmad=false -std=c++17 "${extra[@]}" -o "$tmp" "$src"
# Record the source's hash (TestPTX fails on a stale kernels.ptx).
printf '\n// kernels.cu sha256 %s\n' "$(sha256sum "$src" | cut -d' ' -f1)" >>"$tmp"
mv "$tmp" "$out"
echo "build-ptx: $("$nvcc" --version | tail -1 | sed 's/^Build //') -> $out ($(grep -c '\.entry' "$out") kernels)" >&2
