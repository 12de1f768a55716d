#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UBSan (CMake preset `asan`, into
# build-asan/) and runs the test suite there; any memory error, leak or
# undefined behaviour fails it. The browser tests are left out: they time
# the big screen, which a sanitized server is too slow for.
# Usage: scripts/sanitize.sh [ctest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"
if [[ ! -f build-asan/CMakeCache.txt ]]; then
  cmake --preset asan >/dev/null
fi
cmake --build build-asan -j2
# gRPC's and protobuf's process-wide singletons live until exit by design.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_stack_use_after_return=1:strict_init_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-asan
ctest --output-on-failure -j2 --timeout 900 -LE browser "$@"
