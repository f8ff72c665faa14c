#!/usr/bin/env bash
# Delivery benchmark: 10,000 personalised, tracked messages from `herald serve`
# to a local smtp-sink, side by side with postfix's own smtp-source sending the
# same number of messages of the same size with the same concurrency to the
# same kind of sink. Reports messages per second and Herald's peak memory.
#
#   bench/blast.sh [RECIPIENTS] [CONCURRENCY]
#
# Needs postfix's smtp-sink and smtp-source (scripts/test installs postfix),
# python3 and curl. Runs only on loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
recipients=${1:-10000}
concurrency=${2:-8}
# In memory when possible, so the sinks' writes do not make the figures depend on the disk.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
chmod 755 "$work" # smtp-sink writes its dumps as nobody
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_sink_user=(); [ "$(id -u)" -eq 0 ] && as_sink_user=(-u nobody)

echo "==> building herald (release)"
cargo build --release --quiet
herald=target/release/herald

# Both senders talk to an smtp-sink that stores every message, as a real
# server would, so each pays the same receiving cost.
start_sink() { # port dir
  mkdir -p "$2" && chmod 777 "$2"
  /usr/sbin/smtp-sink "${as_sink_user[@]}" -d "$2/m-" "127.0.0.1:$1" 512 >/dev/null 2>&1 &
  pids+=($!)
  sleep 0.3
}
sink_port=$(free_port)
start_sink "$sink_port" "$work/herald-sink"

data="$work/data"
mkdir -p "$data"
cat >"$data/herald.toml" <<TOML
mail_concurrency = $concurrency
mail_rate_per_second = 100000
TOML
python3 - "$recipients" >"$work/people.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("email,name,department,location")
for i in range(n):
    print(f"person{i}@example.com,Person {i} Example,Bench,Lisbon")
PY
export HERALD_DATA_DIR="$data" RUST_LOG=warn
$herald import employees "$work/people.csv" >/dev/null
$herald demo --collateral 20 >/dev/null

port=$(free_port)
$herald serve --bind "127.0.0.1:$port" --smtp-url "smtp://127.0.0.1:$sink_port?tls=none" >"$work/herald.log" 2>&1 &
herald_pid=$!
pids+=($herald_pid)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
token=$($herald token create --email admin@herald.local | grep -o 'hrld_[A-Za-z0-9_-]*')
api() { curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
items=$(api "http://127.0.0.1:$port/api/v1/collateral/search?q=dental&status=published&per_page=2" | python3 -c 'import json,sys; print(json.dumps([h["id"] for h in json.load(sys.stdin)["hits"]]))')
id=$(api -d "{\"title\":\"Benchmark\",\"subject\":\"{{ recipient.first_name }}, your dental coverage is changing\",\"template\":\"benefit-change\",\"message\":\"Dependents' dental coverage ends next enrolment period. Details: https://benefits.example.org/dental\",\"collateral_ids\":$items,\"audience\":{\"departments\":[\"Bench\"]}}" \
  "http://127.0.0.1:$port/api/v1/announcements" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

echo "==> Herald: $recipients messages, $concurrency SMTP connections"
# PROFILE=file records where Herald spends its CPU during the blast (linux-perf).
if [ -n "${PROFILE:-}" ]; then
  perf record -F 499 -g -o "$PROFILE" -p "$herald_pid" >/dev/null 2>&1 &
  perf_pid=$!
fi
start=$(date +%s.%N)
api -d "{}" "http://127.0.0.1:$port/api/v1/announcements/$id/send" >/dev/null
# A light poll (no JSON parsing per round) every 50 ms, so the time measured
# ends within 50 ms of the announcement turning "sent".
until [[ "$(api "http://127.0.0.1:$port/api/v1/announcements/$id")" == *'"status":"sent"'* ]]; do
  sleep 0.05
done
end=$(date +%s.%N)
read -r sent failed < <(api "http://127.0.0.1:$port/api/v1/announcements/$id" | python3 -c 'import json,sys; d=json.load(sys.stdin)["delivery"]; print(d["sent"], d["failed"])')
if [ -n "${PROFILE:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" || true; fi
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$herald_pid/status")
herald_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$herald_pid/stat")
herald_seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
herald_rate=$(python3 -c "print(f'{$sent / ($end - $start):.0f}')")

# smtp-source sends messages of the size Herald's were (body and headers,
# without the lines smtp-sink adds).
size=$(python3 - "$work/herald-sink" <<'PY'
import glob, sys
files = glob.glob(sys.argv[1] + "/m-*")
sizes = [len(open(f, "rb").read().split(b"\nFrom: ", 1)[1]) + 6 for f in files]
print(sum(sizes) // len(sizes))
PY
)

echo "==> smtp-source: $recipients messages of $size bytes, $concurrency connections"
source_port=$(free_port)
start_sink "$source_port" "$work/source-sink"
start=$(date +%s.%N)
/usr/sbin/smtp-source -s "$concurrency" -m "$recipients" -l "$size" -f bench@example.com -t person@example.com "127.0.0.1:$source_port"
end=$(date +%s.%N)
source_seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
source_rate=$(python3 -c "print(f'{$recipients / ($end - $start):.0f}')")

echo
echo "| sender | messages | seconds | messages/s | peak memory | CPU seconds |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| Herald (rendered, personalised, tracked, exactly-once outbox) | $sent (failed $failed) | $herald_seconds | $herald_rate | $((peak_kb / 1024)) MiB | $herald_cpu |"
received=$(ls "$work/source-sink" | wc -l)
echo "| postfix smtp-source ($size-byte messages) | $received | $source_seconds | $source_rate | – | – |"
python3 -c "print(f'Herald reaches {100 * $herald_rate / $source_rate:.0f}% of smtp-source\'s rate.')"
