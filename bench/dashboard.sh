#!/usr/bin/env bash
# Dashboard benchmark: an announcement's analytics dashboard with 10,000
# recipients, 50 announcements and EVENTS tracking events in the database
# (`herald demo --events`), signed in as an HR lead, measured with curl.
#
#   bench/dashboard.sh [EVENTS] [REQUESTS]
#   DATABASE_URL=postgres://user:pass@127.0.0.1/db bench/dashboard.sh   # on PostgreSQL (an empty database)
#
# Reports how long the demo data took to write, how long the server took to
# bring every announcement's rollup up to date, the first view of a
# dashboard and then p50/p95 over REQUESTS views (each with its baseline of
# the earlier announcements). Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
requests=${2:-100}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { python3 -c 'import time; print(time.time())'; }

echo "==> building herald (release)"
cargo build --release --quiet
herald=$PWD/target/release/herald
export HERALD_DATA_DIR="$work/data" RUST_LOG=warn
mkdir -p "$HERALD_DATA_DIR"

echo "==> herald demo --events $events"
start=$(now)
$herald demo --events "$events" >"$work/demo.log"
demo_seconds=$(python3 -c "print(f'{$(now) - $start:.0f}')")
tail -n 2 "$work/demo.log" | head -n 1
echo "lead-password-123" | $herald user add --email lead@bench.local --name "Bench Lead" --role hr_lead --password-stdin >/dev/null

port=$(free_port)
base="http://127.0.0.1:$port"
started=$(now)
RUST_LOG=herald=info $herald serve --bind "127.0.0.1:$port" >>"$work/herald.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf" --data-urlencode "email=lead@bench.local" --data-urlencode "password=lead-password-123" "$base/login"

# The newest demo announcement: its baseline is the other 49.
ids=$(curl -fs -b "$jar" "$base/spotlights" | grep -o 'href="/spotlights/[0-9]*"' | grep -o '[0-9]*' | sort -n | uniq)
latest=$(echo "$ids" | tail -n 1)
page="$base/analytics/announcements/$latest"
first=$(curl -s -b "$jar" -o "$work/first.html" -w '%{time_total}' "$page")
grep -q "Click-through" "$work/first.html" || { echo "the dashboard did not render" >&2; head -c 600 "$work/first.html" >&2; exit 1; }

# Wait until the background task's first pass has every rollup.
for _ in $(seq 1 1200); do
  grep -q "analytics rollups refreshed" "$work/herald.log" && break
  sleep 0.5
done
settled=$(python3 -c "print(f'{$(now) - $started:.0f}')")

for _ in $(seq 1 "$requests"); do
  curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$page"
done >"$work/times.txt"
python3 - "$work/times.txt" "$events" "$demo_seconds" "$settled" "$first" "${DATABASE_URL:+PostgreSQL}" <<'PY'
import statistics, sys
times = sorted(float(line) * 1000 for line in open(sys.argv[1]) if line.strip())
events, demo, settled, first, backend = int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]) * 1000, sys.argv[6] or "SQLite"
p = lambda q: times[min(len(times) - 1, int(round(q * (len(times) - 1))))]
print(f"| {backend} | {events:,} | {demo} s | {settled} s | {first:.0f} | {p(0.5):.1f} | {p(0.95):.1f} | {len(times)} |")
PY
