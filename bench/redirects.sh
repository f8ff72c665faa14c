#!/usr/bin/env bash
# Redirect benchmark: tracked short-link redirects (`/s/{code}`: look up the
# link, group-commit the click, answer 302) against the same server's
# untracked static 302 (`/favicon.ico` → the logo: the same middleware,
# no database), with wrk on loopback, then a kill -9 under load to check that
# every 302 wrk received is a stored click.
#
#   bench/redirects.sh [SECONDS] [CONNECTIONS]
#   ROUNDS=5 bench/redirects.sh   # rounds of the five runs (default 3)
#
# This VM's throughput drifts by 10-20% from minute to minute, so the
# endpoints are measured in interleaved rounds and compared by their medians;
# the short link and the untracked 302 are measured again with the
# Accept-Encoding a browser sends, as the compression layer sees every answer.
#   DATABASE_URL=postgres://user:pass@127.0.0.1/db bench/redirects.sh   # on PostgreSQL (an empty database)
#
#   HERALD_BIN=/tmp/herald-before bench/redirects.sh   # measure that binary instead of building
# To compare two commits, build each, then run the script on each binary one
# after the other and compare their tracked/untracked ratios (BENCHMARKS.md).
#
# Needs wrk (installed from Debian when missing and run as root), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-50}
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ -n "${HERALD_BIN:-}" ]; then
  herald=$(realpath "$HERALD_BIN")
else
  echo "==> building herald (release)"
  cargo build --release --quiet
  herald=$PWD/target/release/herald
fi
export HERALD_DATA_DIR="$work/data" RUST_LOG=warn
mkdir -p "$HERALD_DATA_DIR"
port=$(free_port)
base="http://127.0.0.1:$port"
start_server() {
  $herald serve --bind "127.0.0.1:$port" >>"$work/herald.log" 2>&1 &
  herald_pid=$!
  pids+=($herald_pid)
  for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "herald did not start" >&2; cat "$work/herald.log" >&2; exit 1
}
start_server
token=$($herald token create --email admin@herald.local | grep -o 'hrld_[A-Za-z0-9_-]*')
api() { curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
id=$(api -d '{"title":"Benchmark","subject":"Hi","template":"new-policy","audience":{"roles":["admin"]}}' "$base/api/v1/announcements" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
code=$(api -d '{"channel":"linkedin"}' "$base/api/v1/announcements/$id/short-links" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/s/$code")" = 302 ] || { echo "short link does not redirect" >&2; exit 1; }
# The announcement goes to the admin; without SMTP it becomes an .eml file,
# which holds the admin's personal tracked links.
api -d "{}" "$base/api/v1/announcements/$id/send" >/dev/null
for _ in $(seq 1 100); do ls "$HERALD_DATA_DIR"/outbox/*.eml >/dev/null 2>&1 && break; sleep 0.1; done
email_link=$(python3 - "$HERALD_DATA_DIR"/outbox/*.eml <<'PY'
import email, re, sys
message = email.message_from_binary_file(open(sys.argv[1], "rb"))
text = "".join(part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/plain")
print(re.search(r"/l/[A-Za-z0-9_-]{28}", text).group(0))
PY
)
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base$email_link")" = 302 ] || { echo "email link does not redirect" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/favicon.ico")" = 302 ] || { echo "/favicon.ico is not a 302" >&2; exit 1; }

agent='Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
# Browsers offer compressed encodings; redirects are never compressed, and the
# "browser" runs show what negotiating that costs the click path.
browser_encodings='Accept-Encoding: gzip, deflate, br, zstd'
run() { # key name path [extra header] -> prints a table row
  local out="$work/$1.txt"
  shift
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "User-Agent: $agent" ${3:+-H "$3"} "$base$2" >"$out"
  python3 - "$1" "$out" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def pct(p):
    m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = re.search(r"Socket errors: (.*)", text)
print(f"| {name} | {rps:,.0f} | {pct(50):.2f} | {pct(99):.2f} | {bad.group(1) if bad else 0} | {errors.group(1) if errors else 'none'} |")
open(sys.argv[2] + ".rps", "w").write(str(rps))
PY
}
db_kind=$([ -n "${DATABASE_URL:-}" ] && echo PostgreSQL || echo SQLite)
rounds=${ROUNDS:-3}
echo "==> $db_kind, $connections connections, ${seconds}s each, $rounds rounds, wrk and herald on the same $(nproc) cores"
echo
echo "| endpoint | requests/s | p50 ms | p99 ms | non-3xx | socket errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$rounds"); do
  run "untracked-$round" "round $round: untracked 302 (/favicon.ico)" "/favicon.ico"
  # PROFILE=file records where Herald spends its CPU during the first tracked run (linux-perf).
  if [ -n "${PROFILE:-}" ] && [ "$round" = 1 ]; then
    (sleep 1; perf record -F 999 -g -o "$PROFILE" -p "$herald_pid" -- sleep $((seconds - 2)) >/dev/null 2>&1) &
  fi
  run "tracked-$round" "round $round: tracked 302, short link (/s/{code})" "/s/$code"
  run "email-$round" "round $round: tracked 302, email link (/l/{token})" "$email_link"
  run "untracked-ae-$round" "round $round: untracked 302, browser Accept-Encoding" "/favicon.ico" "$browser_encodings"
  run "tracked-ae-$round" "round $round: tracked 302, short link, browser Accept-Encoding" "/s/$code" "$browser_encodings"
done
python3 - "$work" "$rounds" <<'PY'
import statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
rates = lambda name: [float(open(f"{work}/{name}-{r}.txt.rps").read()) for r in range(1, rounds + 1)]
untracked, tracked, email, untracked_ae, tracked_ae = (statistics.median(rates(name)) for name in ("untracked", "tracked", "email", "untracked-ae", "tracked-ae"))
print(f"\nMedians: untracked {untracked:,.0f}/s, short link {tracked:,.0f}/s, email link {email:,.0f}/s.")
print(f"Tracked redirects reach {100 * tracked / untracked:.0f}% (short link) and {100 * email / untracked:.0f}% (email link) of the untracked ceiling.")
print(f"With a browser's Accept-Encoding: untracked {untracked_ae:,.0f}/s, short link {tracked_ae:,.0f}/s ({100 * tracked_ae / untracked_ae:.0f}% of its ceiling; {100 * tracked_ae / tracked:.0f}% of the short link without it).")
PY

stored() { api "$base/api/v1/announcements/$id/stats" | python3 -c 'import json,sys; print(next(c["clicks"]["raw"] for c in json.load(sys.stdin)["reach"]["channels"] if c["channel"] == "linkedin"))'; }
before=$(stored)

echo
echo "==> kill -9 under load"
wrk -t2 -c"$connections" -d"${seconds}s" -H "User-Agent: $agent" "$base/s/$code" >"$work/kill.txt" 2>&1 &
wrk_pid=$!
sleep $((seconds / 2))
kill -9 "$herald_pid"
wait "$wrk_pid" || true
start_server
after=$(stored)
python3 - "$work/kill.txt" "$before" "$after" <<'PY'
import re, sys
text, before, after = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3])
total = int(re.search(r"(\d+) requests in", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
redirects = total - (int(bad.group(1)) if bad else 0)
stored = after - before
print(f"302 responses wrk received: {redirects}; clicks stored: {stored}; missing: {max(0, redirects - stored)}")
sys.exit(1 if stored < redirects else 0)
PY
