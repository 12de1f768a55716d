#!/usr/bin/env bash
# Builds the tests labelled `tsan` (tests/CMakeLists.txt) with ThreadSanitizer
# (CMake preset `tsan`, into build-tsan/) and runs them; any data race,
# lock-order inversion or other TSan report fails it. Those tests run our own
# threads without gRPC's runtime: the engine's parallel ranking on a task
# runner (ranking_test), the engine on a thread pool and the single writer
# fed and read by many threads (concurrency_test), the metrics endpoint's
# thread (metrics_endpoint_test), and the writer, the
# standings hub, watch sessions, auth throttling and Beast sessions on the
# gateway's io_context threads (gateway_test). Debian's gRPC, absl and
# protobuf are not built with TSan, which therefore reports races inside and
# through them: tests that start gRPC are left out (label `grpc`, and
# gateway_test's ServeTlsTest, which runs `podium serve`).
# Usage: scripts/tsan.sh [ctest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"
# Configured every time (a second or two), so that tests-tsan is current.
cmake --preset tsan >/dev/null
# Only the test binaries labelled tsan (and what they need).
cmake --build build-tsan -j2 --target tests-tsan
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
cd build-tsan
ctest --output-on-failure -j2 --timeout 900 -L '^tsan$' -E '^ServeTlsTest\.' "$@"
