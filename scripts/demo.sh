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
http="${PODIUM_HTTP:-127.0.0.1:8080}"
if [[ ! -f "$db" ]]; then
  # Login links, and printable login cards with QR codes (issuing again
  # would revoke these, so once).
  build/bin/podium tokens "$demo" --db "$db" --url "http://$http" \
    --sheet run/login-cards.html > run/tokens.txt
fi
echo "login links: run/tokens.txt; login cards with QR codes to print: run/login-cards.html"
# The big screen's and the first judge's links, ready to open.
grep -E '^(display|judge) ' run/tokens.txt | awk '!seen[$1]++ {print "  " $1 ": " $NF}' || true
exec build/bin/podium serve "$demo" --db "$db" --address "${PODIUM_ADDRESS:-127.0.0.1:50051}" \
  --http "$http" --metrics "${PODIUM_METRICS:-127.0.0.1:9464}"
