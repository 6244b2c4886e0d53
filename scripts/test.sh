#!/usr/bin/env bash
# The one test command: installs what is missing, builds, type-checks, lints, then runs
# every tier with node's test runner. `npm test -- unit docker` runs some tiers only.
set -euo pipefail
cd "$(dirname "$0")/.."

tiers=("$@")
[ ${#tiers[@]} -eq 0 ] && tiers=(unit docker vscode)
setup_mode=--runtime-only
for tier in "${tiers[@]}"; do
  case $tier in
    vscode) setup_mode="" ;;
    docker) [ -n "$setup_mode" ] && setup_mode=--docker-tests ;;
  esac
done

bash scripts/setup.sh $setup_mode
node scripts/build.mjs --tests
npm run --silent typecheck
npm run --silent lint

files=()
for tier in "${tiers[@]}"; do
  [ -d "test/$tier" ] || { echo "unknown test tier '$tier' (tiers: unit docker vscode)" >&2; exit 2; }
  while IFS= read -r file; do files+=("$file"); done < <(find "test/$tier" -name '*.test.ts' -not -path '*/suite/*' | sort)
done
# One file at a time: the docker and vscode tiers share the machine's two cores.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
