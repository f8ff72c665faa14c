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
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_sink_user=(); [ "$(id -u)" -eq 0 ] && as_sink_user=(-u nobody)

echo "==> building herald (release)"
cargo build --release --quiet
herald=target/release/herald

sink_port=$(free_port)
/usr/sbin/smtp-sink "${as_sink_user[@]}" -c "127.0.0.1:$sink_port" 512 >"$work/sink.log" 2>&1 &
pids+=($!)

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
start=$(date +%s.%N)
api -X POST "http://127.0.0.1:$port/api/v1/announcements/$id/send" >/dev/null
while true; do
  status=$(api "http://127.0.0.1:$port/api/v1/announcements/$id" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["delivery"]["sent"], d["delivery"]["failed"])')
  set -- $status
  [ "$1" = "sent" ] && break
  sleep 0.2
done
end=$(date +%s.%N)
sent=$2 failed=$3
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$herald_pid/status")
herald_seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
herald_rate=$(python3 -c "print(f'{$sent / ($end - $start):.0f}')")

# One message, as the sink stores it, gives smtp-source the same size to send.
one_port=$(free_port)
mkdir -p "$work/one" && chmod 777 "$work/one"
/usr/sbin/smtp-sink "${as_sink_user[@]}" -d "$work/one/m-" "127.0.0.1:$one_port" 16 >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
kill "$herald_pid"; wait "$herald_pid" 2>/dev/null || true
$herald serve --bind "127.0.0.1:$port" --smtp-url "smtp://127.0.0.1:$one_port?tls=none" >"$work/herald2.log" 2>&1 &
herald_pid=$!
pids+=($herald_pid)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
one=$(api -d "{\"title\":\"Size\",\"subject\":\"{{ recipient.first_name }}, your dental coverage is changing\",\"template\":\"benefit-change\",\"message\":\"Dependents' dental coverage ends next enrolment period. Details: https://benefits.example.org/dental\",\"collateral_ids\":$items,\"audience\":{\"emails\":[\"person1@example.com\"]}}" \
  "http://127.0.0.1:$port/api/v1/announcements" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api -X POST "http://127.0.0.1:$port/api/v1/announcements/$one/send" >/dev/null
for _ in $(seq 1 100); do ls "$work/one"/m-* >/dev/null 2>&1 && break; sleep 0.1; done
sleep 0.3
size=$(python3 -c "import glob; t=open(glob.glob('$work/one/m-*')[0]).read(); print(len(t.split('\nFrom: ',1)[1]) + 6)")

echo "==> smtp-source: $recipients messages of $size bytes, $concurrency connections"
source_port=$(free_port)
/usr/sbin/smtp-sink "${as_sink_user[@]}" -c "127.0.0.1:$source_port" 512 >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
start=$(date +%s.%N)
/usr/sbin/smtp-source -s "$concurrency" -m "$recipients" -l "$size" -f bench@example.com -t person@example.com "127.0.0.1:$source_port"
end=$(date +%s.%N)
source_seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
source_rate=$(python3 -c "print(f'{$recipients / ($end - $start):.0f}')")

echo
echo "| sender | messages | seconds | messages/s | peak memory |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| Herald (rendered, personalised, tracked, exactly-once outbox) | $sent (failed $failed) | $herald_seconds | $herald_rate | $((peak_kb / 1024)) MiB |"
echo "| postfix smtp-source ($size-byte messages) | $recipients | $source_seconds | $source_rate | – |"
python3 -c "print(f'Herald reaches {100 * $herald_rate / $source_rate:.0f}% of smtp-source\'s rate.')"
