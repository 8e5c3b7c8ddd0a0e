#!/usr/bin/env bash
# Latency of small writes and reads while the server reads a 1 MiB article: a short POST, the
# article listing and a page of events, each timed with curl while the long POST is under way.
# Usage: scripts/bench_long_write.sh [BINARY]   (default: target/release/eventmap, built)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/eventmap}
[[ $# -gt 0 ]] || cargo build --release --quiet --bin eventmap
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=18131
export EVENTMAP_TOKEN=bench-token
RUST_LOG=warn "$bin" serve --addr 127.0.0.1:$port --data "$work/data" &
pid=$!
until curl -s -o /dev/null http://127.0.0.1:$port/status; do sleep 0.1; done
# The slowest text to read: one sentence of weekday words, no full stop, 1 MiB.
python3 - "$work/long.txt" <<'PY'
import sys
words = "Monday Tuesday lundi mardi Wednesday mercredi ".encode()
with open(sys.argv[1], "wb") as f:
    f.write(b"Almaty " + (words * (1024 * 1024 // len(words)))[: 1024 * 1024 - 64])
PY
post() { # post <file> <title>
  curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST \
    -H "Authorization: Bearer $EVENTMAP_TOKEN" -H 'Content-Type: text/plain' \
    --data-binary "@$1" "http://127.0.0.1:$port/articles?title=$2"
}
echo "| round | long POST (1 MiB) | short POST during it | GET /articles during it | GET items?limit=100 during it |"
echo "| --- | --- | --- | --- | --- |"
for round in 1 2 3; do
  sed "s/Almaty/Almaty$round/" "$work/long.txt" > "$work/long$round.txt"
  printf 'Monday 10 January 2022: thousands of protesters gathered in Shymkent (round %s).\n' "$round" > "$work/short.txt"
  post "$work/long$round.txt" "long$round" > "$work/long.out" &
  long=$!
  sleep 0.05
  short=$(post "$work/short.txt" "short$round")
  list=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$port/articles")
  page=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$port/collections/events/items?limit=100")
  wait $long
  echo "| $round | $(cat "$work/long.out") s | $short s | $list s | $page s |"
done
