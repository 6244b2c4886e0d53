#!/usr/bin/env bash
# Builds Faasbox and runs it on the bundled examples/ (the README's first command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --runtime-only
node scripts/build.mjs
node dist/cli.js doctor
