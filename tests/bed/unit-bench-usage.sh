#!/bin/bash
# scripts/bench --help prints its usage and exits 0 without touching the
# last report or starting a run; an unknown option is refused with exit 2,
# also before anything starts.
# napilab-bed: labels=unit timeout=30
# shellcheck source=tests/bed/lib.sh
. "$(dirname "$0")/lib.sh"
bench=$root/scripts/bench
report=$root/out/report
marker=$report/.unit-bench-usage-$$
mkdir -p "$report"
touch "$marker"
trap 'rm -f "$marker"' EXIT

out=$(timeout 10 "$bench" --help 2>&1)
expect_eq "bench --help exit status" 0 "$?"
expect_match "bench --help prints the usage" "usage: scripts/bench \[--quick\]" "$out"
expect "bench --help keeps out/report" test -e "$marker"

out=$(timeout 10 "$bench" --frobnicate 2>&1)
expect_eq "bench with an unknown option: exit status" 2 "$?"
expect_match "the refusal names the option" "unknown option '--frobnicate'" "$out"
expect "a refused bench keeps out/report" test -e "$marker"
[[ $out == *"bench: ["* ]] && fail "a refused bench started a run: $out"

out=$(BENCH_CONTENDERS="ours ne2k" timeout 10 "$bench" 2>&1)
expect_eq "bench with an unknown contender: exit status" 2 "$?"
expect_match "the refusal names it and the known ones" "unknown contender 'ne2k' .*e1000e rtl8139 vmxnet3 i82559er" "$out"
expect "a refused bench keeps out/report" test -e "$marker"
finish
