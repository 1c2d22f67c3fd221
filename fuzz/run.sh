#!/usr/bin/env bash
# Runs every fuzz target for SECONDS, starting from the seed corpus in fuzz/corpus/ and
# growing a working corpus in BUILD_DIR/corpus/. A crash stops the run: the input is saved
# as BUILD_DIR/crash-<target>-*, and becomes a seed (and a regression test) once fixed.
#   fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
seconds=$2
status=0
for target in "$build"/fuzz_*; do
  name=${target##*/fuzz_}
  mkdir -p "$build/corpus/$name"
  echo "== fuzz $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build/crash-$name-" \
      "$build/corpus/$name" "$root/fuzz/corpus/$name" 2>"$build/fuzz-$name.log"; then
    echo "fuzz $name FAILED: see $build/fuzz-$name.log and $build/crash-$name-*" >&2
    tail -30 "$build/fuzz-$name.log" >&2
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz-$name.log" | tr '\n' ' '
  echo
done
exit $status
