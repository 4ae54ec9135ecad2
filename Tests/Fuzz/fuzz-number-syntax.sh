#!/usr/bin/env bash
# Fuzzes prime-sum's number parser with libFuzzer for SECONDS (default 60) and exits non-zero on a crash.
#
#   Tests/Fuzz/fuzz-number-syntax.sh [SECONDS]
#
# The parser's source is compiled on its own with the fuzzer entry point, under AddressSanitizer; the corpus
# starts from the syntax the README documents and lives in a temporary folder.
set -euo pipefail
seconds=${1:-60}
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/primesum-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

swiftc -sanitize=fuzzer,address -parse-as-library -O \
  "$project_dir/Sources/PrimeSumCommandLine/NumberSyntax.swift" "$project_dir/Sources/PrimeSumCommandLine/UsageError.swift" "$project_dir/Tests/Fuzz/NumberSyntaxFuzzer.swift" \
  -o "$work/fuzz-number-syntax"
mkdir "$work/corpus"
i=0
for seed in 1000000 1_000_000 1e9 10^12 2^64 2^64-1 2^32+2e7 18446744073709551615 0 15e2 "1e6 " " 2^10"; do
  printf '%s' "$seed" >"$work/corpus/seed$i"
  i=$((i + 1))
done
cd "$work"
timeout -k 10 $((seconds + 60)) ./fuzz-number-syntax -max_total_time="$seconds" -max_len=64 -print_final_stats=1 corpus
