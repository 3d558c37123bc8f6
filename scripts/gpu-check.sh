#!/usr/bin/env bash
# The device check, run on the GPU machine from the repository root with
# the binaries built here by scripts/build-cuda.sh (no Go there):
#
#   scripts/build-cuda.sh                      # here: bin/gramc-cuda, bin/cuda.test
#   (on the GPU machine, bin/ carried)  OUT=/some/dir scripts/gpu-check.sh
#
# Steps (each with a time limit; a failing step does not stop the others):
#   1. environment: nvidia-smi, nvcc, torch
#   2. the mask/cuda device tests (cuda.test)
#   3. gramc bench gpu --check: every kernel against the CPU reference on
#      every element, and the decoder's outputs CPU vs GPU
#   4. gramc generate on the CPU and on the GPU: identical outputs
#   5. gramc bench gpu: the kernel table and the decode step
#   6. PyTorch baselines on the same shapes (scripts/torch_baseline.py)
#   7. the PTX rebuilt with the machine's nvcc (13), then 3 and 5 again
# Results under $OUT (at most 8 files come back from the device tool):
# summary.txt, check.json, bench.json, bench.txt, torch.json, and
# results.tar.gz with every log.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-out}"
BIN="${GRAMC_BIN:-bin/gramc-cuda}"
TESTBIN="${GRAMC_TESTBIN:-bin/cuda.test}"
LOGS="$OUT/logs"
mkdir -p "$LOGS"
SUMMARY="$OUT/summary.txt"
: >"$SUMMARY"
status=0

# The whole script stays within BUDGET seconds (the device tool allows 600
# per command): each step's limit is cut to what is left, and a step is
# skipped when under 20 s remain.
BUDGET="${GRAMC_CHECK_BUDGET:-540}"

note() { echo "$*" | tee -a "$SUMMARY"; }
# run NAME LIMIT CMD...: runs CMD with a time limit, output to logs/NAME.log.
run() {
	local name=$1 limit=$2
	shift 2
	local left=$((BUDGET - SECONDS))
	if ((left < 20)); then
		note "[$name] SKIPPED: the time budget is spent"
		status=1
		return 1
	fi
	((limit > left)) && limit=$left
	local t0=$SECONDS
	timeout "$limit" "$@" >"$LOGS/$name.log" 2>&1
	local rc=$?
	note "[$name] exit $rc in $((SECONDS - t0)) s: $*"
	[[ $rc -ne 0 ]] && status=1
	return $rc
}

note "gramc device check, $(date -u +%FT%TZ), $(hostname)"
{
	nvidia-smi
	nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem,driver_version --format=csv
	(command -v nvcc || ls /usr/local/cuda/bin/nvcc) && "${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}" --version
	python3 -c 'import torch, triton; print("torch", torch.__version__, "triton", triton.__version__, torch.cuda.get_device_name())'
	ldconfig -p | grep libcuda
} >"$LOGS/env.log" 2>&1
grep -m1 -E "H100|H200|NVIDIA" "$LOGS/env.log" | tee -a "$SUMMARY"

if [[ ! -x $BIN ]]; then
	note "missing $BIN: build it with scripts/build-cuda.sh and carry bin/"
	exit 2
fi
run version 30 "$BIN" version

# 2. Device unit tests (they read kernels.cu from their package folder).
if [[ -x $TESTBIN ]]; then
	run device-tests 300 bash -c 'cd mask/cuda && exec "../../$0" -test.run "Device|Session|PTX" -test.v' "$TESTBIN"
	grep -E "^(--- |ok|PASS|FAIL)" "$LOGS/device-tests.log" >>"$SUMMARY"
fi

# 3. Kernels against the CPU reference, every element.
run check 600 "$BIN" bench gpu --check --json-out "$OUT/check.json"
grep -E "^kernels:|MISMATCH|DIFFERENT|identical" "$LOGS/check.log" | head -40 >>"$SUMMARY"

# 4. Generate: CPU and GPU outputs identical for the same seed.
for flags in "" "--temperature 0.8 --top-k 40 --top-p 0.9"; do
	# shellcheck disable=SC2086
	timeout 120 "$BIN" generate --device cpu --batch 8 -n 16 --seed 7 $flags --json >"$LOGS/gen-cpu.json" 2>>"$LOGS/generate.log"
	# shellcheck disable=SC2086
	timeout 120 "$BIN" generate --device cuda --batch 8 -n 16 --seed 7 $flags --json >"$LOGS/gen-gpu.json" 2>>"$LOGS/generate.log"
	if cmp -s "$LOGS/gen-cpu.json" "$LOGS/gen-gpu.json" && [[ -s $LOGS/gen-cpu.json ]]; then
		note "[generate $flags] CPU and GPU outputs identical"
	else
		note "[generate $flags] CPU and GPU outputs DIFFER (logs/gen-*.json)"
		status=1
	fi
done

# 5. The benchmark.
run bench 600 "$BIN" bench gpu --json-out "$OUT/bench.json"
cp "$LOGS/bench.log" "$OUT/bench.txt"
grep -E "^\|" "$LOGS/bench.log" >>"$SUMMARY"

# 6. PyTorch baselines on the same shapes, same card.
run torch 600 python3 scripts/torch_baseline.py --out "$OUT/torch.json"
grep -E "^\||copy" "$LOGS/torch.log" >>"$SUMMARY"

# 7. The PTX rebuilt by this machine's nvcc, checked and timed again.
NVCC13="${NVCC:-/usr/local/cuda/bin/nvcc}"
if [[ -x $NVCC13 ]]; then
	if run ptx13 120 env NVCC="$NVCC13" scripts/build-ptx.sh "$OUT/kernels-nvcc13.ptx"; then
		run check13 600 env GRAMC_PTX="$OUT/kernels-nvcc13.ptx" "$BIN" bench gpu --check --batch 1,7,64 --json-out "$LOGS/check13.json"
		grep -E "^kernels:|MISMATCH" "$LOGS/check13.log" | head -20 | sed 's/^/[nvcc13] /' >>"$SUMMARY"
		run bench13 600 env GRAMC_PTX="$OUT/kernels-nvcc13.ptx" "$BIN" bench gpu --no-decode --json-out "$LOGS/bench13.json"
		grep -E "^\|" "$LOGS/bench13.log" | sed 's/^/[nvcc13] /' >>"$SUMMARY"
		mv "$OUT/kernels-nvcc13.ptx" "$LOGS/"
	fi
else
	note "no nvcc at $NVCC13: PTX rebuild skipped"
fi

note "overall: $([[ $status -eq 0 ]] && echo PASS || echo FAIL)"
tar -czf "$OUT/results.tar.gz" -C "$OUT" logs && rm -rf "$LOGS"
exit $status
