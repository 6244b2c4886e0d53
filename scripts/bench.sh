#!/usr/bin/env bash
# `npm run bench`: benchmarks side by side with the tools users would pick instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs --production
npx vsce package --no-dependencies --allow-missing-repository --out dist/faasbox.vsix >/dev/null
node scripts/build.mjs --tests >/dev/null
exec node --import tsx test/bench/index.ts "$@"
