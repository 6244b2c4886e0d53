#!/usr/bin/env bash
# The one test command: installs what is missing, builds, type-checks, lints, then runs
# every tier with node's test runner. `npm test -- unit docker` runs some tiers only.
# Tiers: unit, docker (the local engine), remote (the docker tier's core again, against a private
# TLS engine that shares neither network nor files: test/remote/runRemoteTier.ts), vscode.
set -euo pipefail
cd "$(dirname "$0")/.."

tiers=("$@")
[ ${#tiers[@]} -eq 0 ] && tiers=(unit docker remote vscode)
setup_mode=--runtime-only
for tier in "${tiers[@]}"; do
  case $tier in
    vscode) setup_mode="" ;;
    docker|remote) [ -n "$setup_mode" ] && setup_mode=--docker-tests ;;
  esac
done

bash scripts/setup.sh $setup_mode
node scripts/build.mjs --tests
npm run --silent typecheck
npm run --silent lint

files=()
remote=false
for tier in "${tiers[@]}"; do
  if [ "$tier" = remote ]; then remote=true; continue; fi
  [ -d "test/$tier" ] || { echo "unknown test tier '$tier' (tiers: unit docker remote vscode)" >&2; exit 2; }
  while IFS= read -r file; do files+=("$file"); done < <(find "test/$tier" -name '*.test.ts' -not -path '*/suite/*' | sort)
done
status=0
# One file at a time: the docker and vscode tiers share the machine's two cores.
if [ ${#files[@]} -gt 0 ]; then
  node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}" || status=$?
fi
if $remote; then node --import tsx test/remote/runRemoteTier.ts || status=$?; fi
exit $status
