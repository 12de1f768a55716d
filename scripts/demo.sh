#!/usr/bin/env bash
# Installs what is missing, builds, and scores the demo competition.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh podium
build/bin/podium validate data/mine-rescue-2026
build/bin/podium score data/mine-rescue-2026
