#!/usr/bin/env bash
# Runs every libFuzzer harness of tests/fuzz/ for long, one at a time (one
# process each, like -jobs=1: the machine is shared), and writes
# bench/results/fuzz.json and bench/results/fuzz.md: per harness the
# executions, exec/s, coverage (libFuzzer's cov: and ft:), corpus size and
# crashes found.
#
# Usage: bench/fuzz.sh [--seconds S] [--only NAME]...
#   --seconds S   fuzzing time per harness (default 300: 35 min for seven)
#   --only NAME   just this harness (repeatable); the report then holds only these
# Builds build-fuzz: clang, ASan+UBSan+libFuzzer as scripts/test-sanitizers's
# build-asan, but at -O1, since executions per second are the point here
# (build-asan is -O0, which compiles fastest for CI). Each harness starts
# from its committed corpus and regressions and grows its own corpus in
# bench/results/tmp/fuzz/<name>/ (kept between runs); a crash is saved there
# as crash-*, the harness restarted for the time left, and the input belongs
# in tests/fuzz/regressions/<name>/ once the bug is fixed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
invocation="bench/fuzz.sh $*"
seconds=300
only=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

names=()
for src in tests/fuzz/*_fuzz.cpp; do names+=("$(basename "$src" _fuzz.cpp)"); done
((${#only[@]})) && names=("${only[@]}")
if [[ ! -f build-fuzz/build.ninja ]]; then
  CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCONFAB_SANITIZE=address -DCONFAB_FUZZ=ON \
    -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" >/dev/null
fi
ninja -C build-fuzz -j"$(nproc)" "${names[@]/%/_fuzz}"

export UBSAN_OPTIONS=print_stacktrace=1
work=bench/results/tmp/fuzz
mkdir -p "$work"
logs=()
for name in "${names[@]}"; do
  dir="$work/$name"
  mkdir -p "$dir/corpus"
  inputs=("tests/fuzz/corpus/$name")
  [[ -d "tests/fuzz/regressions/$name" ]] && inputs+=("tests/fuzz/regressions/$name")
  dict=()
  [[ -f "tests/fuzz/$name.dict" ]] && dict=("-dict=tests/fuzz/$name.dict")
  log="$dir/run.log"
  : >"$log"
  end=$((SECONDS + seconds))
  echo "fuzz.sh: $name for $seconds s"
  # A crash ends libFuzzer: note it and go on with the time left.
  while ((SECONDS < end)); do
    build-fuzz/fuzz/"${name}_fuzz" -max_total_time=$((end - SECONDS)) -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$dir/" "${dict[@]}" "$dir/corpus" "${inputs[@]}" \
      >>"$log" 2>&1 || echo "fuzz.sh: $name stopped on a failure (see $log), restarting"
  done
  logs+=("$name=$log")
done
python3 bench/fuzz_report.py --seconds "$seconds" --work "$work" \
  --invocation "$invocation" "${logs[@]}"
