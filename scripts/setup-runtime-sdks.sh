#!/usr/bin/env bash
# Fills Faasbox's host cache with what the clouds' runtimes bundle, so a function that uses
# them without vendoring them finds them (see README, "What the runtime bundles"):
#   runtime-sdks/nodejs-aws-sdk-v3-VERSION  the AWS SDK for JavaScript v3's common clients (npm)
#   runtime-sdks/python-boto3-debian        boto3, botocore and what they import (Debian's packages)
# Versions and names: emulator/core/sdks/runtimeSdks.json. Other v3 clients, and v2 for
# nodejs16.x, are installed into the same cache when a function needs them (emulator side).
# Each part checks first: a rerun costs a second.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${FAASBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faasbox}"
SDKS="$CACHE/runtime-sdks"
MANIFEST="$PWD/emulator/core/sdks/runtimeSdks.json"
log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
manifest() { node -e 'const m = require(process.argv[1]); const v = process.argv[2].split(".").reduce((o, k) => o[k], m); process.stdout.write(Array.isArray(v) ? v.join(" ") : String(v))' "$MANIFEST" "$1"; }

node_sdk_v3() {
  local version dir specs=()
  version="$(manifest awsSdkV3.version)"
  dir="$SDKS/nodejs-aws-sdk-v3-$version"
  [ -f "$dir/.faasbox-complete" ] && return 0
  # Not every package is published at every release of the SDK: each at its newest release up to the version.
  for name in $(manifest awsSdkV3.common); do specs+=("$name@<=$version"); done
  log "installing the AWS SDK for JavaScript v3 ($version, ${#specs[@]} packages) into $dir (about a minute, once)"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{ "name": "faasbox-runtime-sdk", "private": true }\n' >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --ignore-scripts "${specs[@]}" >"$SDKS/nodejs-v3-install.log" 2>&1 \
    || { tail -20 "$SDKS/nodejs-v3-install.log" >&2; die "npm could not install the AWS SDK v3 into $dir"; }
  chmod -R a+rX "$dir"
  touch "$dir/.faasbox-complete"
}

python_boto3() {
  local dir="$SDKS/python-boto3-debian"
  [ -f "$dir/.faasbox-complete" ] && return 0
  command -v apt-get >/dev/null && command -v dpkg >/dev/null \
    || die "boto3 for Python functions comes from Debian's packages here; without apt-get, fill $dir with 'pip install --target $dir boto3'"
  local work; work="$(mktemp -d)"
  log "unpacking Debian's boto3 and botocore into $dir"
  # As root: apt's _apt sandbox user cannot write into a private temporary folder.
  (cd "$work" && apt-get download -qq -o APT::Sandbox::User=root $(manifest pythonDebs) >/dev/null) \
    || die "apt-get download of $(manifest pythonDebs) failed (run 'apt-get update' first?)"
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
  rm -rf "$dir" && mkdir -p "$dir"
  cp -a "$work/root/usr/lib/python3/dist-packages/." "$dir/"
  chmod -R a+rX "$dir"
  rm -rf "$work"
  touch "$dir/.faasbox-complete"
}

node_sdk_v3
python_boto3
