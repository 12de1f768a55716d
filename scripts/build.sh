#!/usr/bin/env bash
# Configures (once) and builds Podium into build/ with ccache and -j2.
# Usage: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
if (($# > 0)); then
  cmake --build build -j2 --target "$@"
else
  cmake --build build -j2
fi
