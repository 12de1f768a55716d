#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo competition live:
# the server on data/mine-rescue-2026 with an embedded SQLite ledger in run/.
# Prints the offline standings, the access tokens (first run) and the addresses.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh podium
demo=data/mine-rescue-2026
mkdir -p run
db=run/mine-rescue-2026.db
build/bin/podium validate "$demo"
build/bin/podium score "$demo" --scores scores-live.csv --trade mine-rescue | head -20
if [[ ! -f "$db" ]]; then
  build/bin/podium tokens "$demo" --db "$db" > run/tokens.txt
fi
echo "access tokens (judges, chief judge, display, organizer): run/tokens.txt"
exec build/bin/podium serve "$demo" --db "$db" --address "${PODIUM_ADDRESS:-127.0.0.1:50051}" \
  --metrics "${PODIUM_METRICS:-127.0.0.1:9464}"
