#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every test, the format
# check, the layering check, a bounded fuzz run of every libFuzzer target
# (PODIUM_FUZZ_SECONDS each, default 20), the suite again under
# AddressSanitizer + UBSan (scripts/sanitize.sh) and the tests of our own
# threads under ThreadSanitizer (scripts/tsan.sh). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh

echo "== layering: engine/ includes no gRPC, Boost, SQLite or protobuf"
if grep -rnE '#include [<"](grpc|boost|sqlite3|google/)' engine/; then
  echo "engine/ must depend on Eigen and the standard library only" >&2
  exit 1
fi

echo "== format"
mapfile -t sources < <(git ls-files '*.cc' '*.h')
clang-format --dry-run --Werror "${sources[@]}"

echo "== tests"
(cd build && ctest --output-on-failure -j2 --timeout 600)

echo "== fuzz (clang, ASan + UBSan)"
scripts/fuzz.sh "${PODIUM_FUZZ_SECONDS:-20}"

echo "== the test suite under AddressSanitizer + UBSan"
scripts/sanitize.sh

echo "== the concurrent tests under ThreadSanitizer"
scripts/tsan.sh
