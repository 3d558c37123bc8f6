#!/usr/bin/env bash
# Unpacks the CUDA headers and the libcuda link stub from Debian's non-free
# nvidia-cuda-dev package (and, with --nvcc, nvcc from nvidia-cuda-toolkit)
# into a cache folder, without installing anything into the system, and
# prints the environment a cuda-tagged build needs:
#
#   eval "$(scripts/cuda-env.sh)"          # CGO_CFLAGS, CGO_LDFLAGS, CGO_ENABLED
#   eval "$(scripts/cuda-env.sh --nvcc)"   # also NVCC (Debian's nvcc 11.8)
#
# The cache (GRAMC_CUDA_CACHE, default ~/.cache/gramc-cuda) is reused when
# present, so only the first run downloads (~15 s of apt lists and a 774 MB
# .deb, of which 14 MB of headers are kept). Exit status 3: the download
# failed (no network to Debian). See docs/GPU.md.
set -euo pipefail

want_nvcc=0
[[ "${1:-}" == "--nvcc" ]] && want_nvcc=1

CACHE="${GRAMC_CUDA_CACHE:-$HOME/.cache/gramc-cuda}"
ROOT="$CACHE/root"
APTDIR="$CACHE/apt"
log() { echo "cuda-env: $*" >&2; }

apt_opts=()
apt_init() {
	[[ ${#apt_opts[@]} -gt 0 ]] && return 0
	mkdir -p "$APTDIR/parts" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	local src=/etc/apt/sources.list.d/debian.sources
	if [[ -f $src ]]; then
		sed -E 's/^Components:.*/Components: main contrib non-free/' "$src" >"$APTDIR/parts/debian.sources"
	else
		cat >"$APTDIR/parts/debian.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$APTDIR/parts"
		-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o Debug::NoLocking=1)
	if [[ $EUID -eq 0 ]]; then
		apt_opts+=(-o APT::Sandbox::User=root) # no _apt user for a private cache
	fi
	log "apt-get update (private state under $APTDIR)"
	timeout 120 apt-get "${apt_opts[@]}" -qq update >&2 || { log "apt-get update failed"; return 3; }
}

# fetch PKG: downloads PKG's .deb into $CACHE/debs, echoes its path.
fetch() {
	local pkg=$1 deb
	mkdir -p "$CACHE/debs"
	apt_init || return 3
	(cd "$CACHE/debs" && timeout 600 apt-get "${apt_opts[@]}" -qq download "$pkg" >&2) || { log "apt-get download $pkg failed"; return 3; }
	deb=$(ls -t "$CACHE/debs/${pkg}"_*.deb | head -1)
	echo "$deb"
}

if [[ ! -f "$ROOT/usr/include/cuda.h" || ! -f "$ROOT/usr/lib/x86_64-linux-gnu/stubs/libcuda.so" ]]; then
	deb=$(fetch nvidia-cuda-dev) || exit 3
	log "unpacking headers and the libcuda stub from $(basename "$deb")"
	mkdir -p "$ROOT"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$ROOT" ./usr/include ./usr/lib/x86_64-linux-gnu/stubs/libcuda.so
	rm -f "$deb" # 774 MB; only the headers are kept
fi

if [[ $want_nvcc == 1 && ! -x "$ROOT/usr/lib/nvidia-cuda-toolkit/bin/nvcc" ]]; then
	deb=$(fetch nvidia-cuda-toolkit) || exit 3
	log "unpacking nvcc from $(basename "$deb")"
	dpkg-deb -x "$deb" "$ROOT"
	rm -f "$deb"
fi
if [[ $want_nvcc == 1 ]]; then
	# Debian's nvcc.profile is a link into /etc with absolute paths: replace
	# it with one relative to the unpacked tree.
	prof="$ROOT/usr/lib/nvidia-cuda-toolkit/bin/nvcc.profile"
	if [[ -L $prof || ! -f $prof ]]; then
		rm -f "$prof"
		cat >"$prof" <<'PROFILE'
NVVMIR_LIBRARY_DIR = $(_HERE_)/../libdevice
PATH		+= $(_HERE_):$(_HERE_)/../../../bin:
INCLUDES	+= "-I$(_HERE_)/../../../include" $(_SPACE_)
PROFILE
	fi
fi

echo "export CGO_ENABLED=1"
echo "export CGO_CFLAGS='-I$ROOT/usr/include'"
echo "export CGO_LDFLAGS='-L$ROOT/usr/lib/x86_64-linux-gnu/stubs'"
if [[ $want_nvcc == 1 ]]; then
	echo "export GRAMC_CUDA_ROOT='$ROOT'"
fi
