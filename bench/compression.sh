#!/usr/bin/env bash
# Compression benchmark: the bytes of Herald's main pages, assets, JSON and
# CSV as sent without compression (what every answer was before issue 27)
# and with gzip and brotli, on the demo library with analytics history.
#
#   bench/compression.sh                         # builds the release binary
#   HERALD_BIN=target/debug/herald bench/compression.sh   # bytes do not depend on the build
#
# Needs curl and python3.
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${HERALD_BIN:-}" ]; then
  echo "==> building herald (release)"
  cargo build --release --quiet
  HERALD_BIN=$PWD/target/release/herald
fi
export HERALD_DATA_DIR="$work/data" RUST_LOG=warn
mkdir -p "$HERALD_DATA_DIR"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

echo "==> demo data (250 library items, 50 sent announcements with analytics)"
"$HERALD_BIN" demo --events 20000 >/dev/null
echo 'bench password 1234' | "$HERALD_BIN" user add --email lead@bench.local --name "Bench Lead" --role hr_lead --department Finance --password-stdin >/dev/null
"$HERALD_BIN" serve --bind "127.0.0.1:$port" >>"$work/herald.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

jar="$work/cookies"
csrf=$(curl -fs -c "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "email=lead@bench.local" --data-urlencode "password=bench password 1234" "$base/login"
page() { curl -fs -b "$jar" "$base$1"; }
# The pages a person opens most, with real ids from the demo data.
item=$(page /library | grep -o 'href="/library/[a-z0-9-]*"' | grep -v '/library/new' | head -1 | grep -o '/library/[a-z0-9-]*')
dashboard=$(page /analytics | grep -o 'href="/analytics/announcements/[0-9]*"' | head -1 | grep -o '/analytics/announcements/[0-9]*')
spotlight=${dashboard/analytics\/announcements/spotlights}
news=$spotlight/page   # the spotlight page as its readers get it at /news/{id}
css=$(page /library | grep -o '/assets/herald\.[0-9a-f]*\.css')
js=$(page /library | grep -o '/assets/herald\.[0-9a-f]*\.js')

size() { curl -fs -b "$jar" -o /dev/null -w '%{size_download}' ${2:+-H "Accept-Encoding: $2"} "$base$1"; }
echo
echo "| answer | uncompressed bytes | gzip | brotli | brotli saves |"
echo "| --- | ---: | ---: | ---: | ---: |"
for path in / /library "/library?q=leave" "$item" /news "$news" /spotlights "$spotlight" /analytics "$dashboard" /analytics/export.csv "$css" "$js"; do
  plain=$(size "$path") gzip=$(size "$path" gzip) brotli=$(size "$path" br)
  python3 -c "import sys; p,g,b=map(int,sys.argv[2:]); print(f'| \`{sys.argv[1]}\` | {p:,} | {g:,} | {b:,} | {100-100*b/p:.0f}% |')" "$path" "$plain" "$gzip" "$brotli"
done
