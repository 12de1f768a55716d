#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer and
# UBSan into build-fuzz/, and runs each for SECONDS (default 20) from its
# seeds: tests/fuzz/corpus/ plus the sample competitions in data/. A crash,
# leak, UB or timeout fails the run; the input that did it is saved as
# build-fuzz/crashes/<target>-* (replay: build-fuzz/bin/<target> FILE).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(csv_fuzz xlsx_fuzz definition_fuzz command_fuzz)
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DPODIUM_BUILD_TESTS=OFF -DPODIUM_BUILD_BENCHMARKS=OFF \
    -DPODIUM_BUILD_FUZZERS=ON '-DPODIUM_SANITIZERS=address;undefined;fuzzer-no-link' >/dev/null
fi
cmake --build build-fuzz -j2 --target "${targets[@]}"

# Seeds from the sample competitions: every CSV, and whole directories as the
# definition target reads them (files joined by lines "=====").
seeds=build-fuzz/seeds
rm -rf "$seeds" && mkdir -p "$seeds"/{csv_fuzz,definition_fuzz}
for dir in data/*/; do
  name=$(basename "$dir")
  for csv in "$dir"*.csv; do cp "$csv" "$seeds/csv_fuzz/$name-$(basename "$csv")"; done
  {
    cat "$dir/competition.yaml"
    for f in contestants.csv judges.csv scores-live.csv penalties.csv; do
      printf '\n=====\n'
      [[ -f "$dir/$f" ]] && cat "$dir/$f"
    done
  } > "$seeds/definition_fuzz/$name"
done

mkdir -p build-fuzz/crashes
export PODIUM_DATA_DIR="$PWD/data"
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  echo "== $target: ${seconds} s"
  dirs=("$corpus")
  [[ -d tests/fuzz/corpus/$target ]] && dirs+=("tests/fuzz/corpus/$target")
  [[ -d $seeds/$target ]] && dirs+=("$seeds/$target")
  # The first directory collects what the run learns; the others only seed it.
  status=0
  build-fuzz/bin/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/"$target"- \
    "${dirs[@]}" > build-fuzz/"$target".log 2>&1 || status=$?
  grep -E '^(stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)|runtime error|PODIUM_CHECK' \
    build-fuzz/"$target".log || true
  if ((status != 0)); then
    tail -40 build-fuzz/"$target".log >&2
    echo "fuzz: $target failed (exit $status); reproducer in build-fuzz/crashes/" >&2
    exit 1
  fi
done
echo "fuzz: every target ran ${seconds} s without a finding"
