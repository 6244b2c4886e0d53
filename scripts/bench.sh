#!/usr/bin/env bash
# `npm run bench`: benchmarks side by side with the tools users would pick instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The tool users would pick instead, measured side by side; kept outside the repository.
SLS="${FAASBOX_CACHE:-$HOME/.cache/faasbox}/serverless-offline"
if [ ! -x "$SLS/node_modules/.bin/serverless" ]; then
  echo "[bench] installing serverless@3 and serverless-offline@13 into $SLS (once)" >&2
  mkdir -p "$SLS" && npm install --prefix "$SLS" --no-audit --no-fund --loglevel=error serverless@3 serverless-offline@13 >/dev/null
fi
# The bundles as the .vsix ships them (minified, no source maps): what users run is what is measured.
# `--tests` adds the editor suite the activation row runs. With `--profile` the bundles are then built
# again unminified, so the CPU profiles name the functions (the bench's rows say which build ran).
node scripts/build.mjs --production --tests
npx vsce package --no-dependencies --allow-missing-repository --out dist/faasbox.vsix >/dev/null
if [[ " $* " == *" --profile "* ]]; then node scripts/build.mjs --tests >/dev/null; fi
exec node --import tsx test/bench/index.ts "$@"
