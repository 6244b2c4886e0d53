#!/usr/bin/env bash
# The README's first command: builds Faasbox, checks the machine, invokes each example
# function once in a container, then serves examples/ with live logs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --runtime-only
node scripts/build.mjs
node dist/cli.js doctor
event='{"queryString":{"name":"Faasbox"},"queryStringParameters":{"name":"Faasbox"}}'
for fn in hello-node hello-python HelloNode HelloPython; do
  echo "\$ faasbox invoke $fn --project examples"
  echo "$event" | node dist/cli.js invoke "$fn" --project examples --event -
done
exec node dist/cli.js start examples
