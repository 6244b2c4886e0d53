#!/usr/bin/env bash
# Builds the in-container agent (emulator/agent/*.c, see emulator/agent/PROTOCOL.md) as two
# static Linux binaries with no dependencies, so it runs in any image whatever libc it has:
#   dist/agent/faasbox-agent-amd64  musl-gcc -static (Debian: musl-tools)
#   dist/agent/faasbox-agent-arm64  aarch64-linux-gnu-gcc -static (Debian: gcc-aarch64-linux-gnu,
#                                   libc6-dev-arm64-cross; Debian has no musl cross compiler)
# A binary is rebuilt only when a source is newer than it. `--force` rebuilds both.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC_DIR=emulator/agent
OUT_DIR=dist/agent
MAX_BYTES=$((1024 * 1024))
CFLAGS=(-std=c99 -Wall -Wextra -Werror -Os -static -s -ffunction-sections -fdata-sections -Wl,--gc-sections)

log() { printf '[build-agent] %s\n' "$*" >&2; }
die() { printf '[build-agent] error: %s\n' "$*" >&2; exit 1; }

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) die "unknown option $1 (expected --force)" ;;
esac

sources=("$SRC_DIR"/*.c)
[ -f "${sources[0]}" ] || die "no agent sources in $SRC_DIR"
headers=()
for h in "$SRC_DIR"/*.h; do [ -f "$h" ] && headers+=("$h"); done

# Which compilers are missing, and the Debian packages that bring them, before compiling anything.
missing=()
command -v musl-gcc >/dev/null || missing+=(musl-tools)
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
if [ ${#missing[@]} -gt 0 ]; then
  die "the agent's compilers are missing: install them with 'apt-get install -y ${missing[*]}' (or run 'npm run setup')"
fi

# True when $1 is missing or older than a source (or this script: its flags shape the binary).
stale() {
  [ $force = 1 ] && return 0
  [ -f "$1" ] || return 0
  local f
  for f in "${sources[@]}" "${headers[@]}" "$0"; do [ "$f" -nt "$1" ] && return 0; done
  return 1
}

build() { # build ARCH COMPILER
  local out="$OUT_DIR/faasbox-agent-$1"
  if stale "$out"; then
    log "building $out with $2"
    # Into a temporary file first: an interrupted build never leaves a truncated binary behind.
    "$2" "${CFLAGS[@]}" -o "$out.tmp" "${sources[@]}"
    mv -f "$out.tmp" "$out"
  fi
  local size; size=$(wc -c <"$out")
  [ "$size" -lt $MAX_BYTES ] || die "$out is $size bytes, over the 1 MB the agent may weigh"
  printf '[build-agent] %s: %d bytes\n' "$out" "$size" >&2
}

mkdir -p "$OUT_DIR"
build amd64 musl-gcc
build arm64 aarch64-linux-gnu-gcc
