#!/usr/bin/env bash
# The PostgreSQL store beside SQLite: the same store (N copies of the seed article, each with one
# line added: ~35 events each) ingested into both, the server's startup on each, POST latency on
# each, and the lag between two servers on one PostgreSQL database (a POST on A until B serves it).
# A private cluster in a temporary directory (default settings, fsync on), stopped at the end.
# Usage: scripts/bench_postgres.sh [BINARY] [ARTICLES]   (default: target/release/eventmap, 3000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/eventmap}")
n=${2:-3000}
[[ $# -gt 0 ]] || cargo build --release --quiet --bin eventmap
pgbin=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort | tail -1)")
work=$(mktemp -d)
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown nobody:nogroup "$work"
  as_pg=(runuser -u nobody --)
fi
pgport=18141
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  (cd "$work" && "${as_pg[@]}" "$pgbin/pg_ctl" stop -m fast -D "$work/pg" >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && "${as_pg[@]}" "$pgbin/initdb" -N -A trust -E UTF8 --locale=C -U eventmap -D "$work/pg" >/dev/null)
(cd "$work" && "${as_pg[@]}" "$pgbin/pg_ctl" start -w -D "$work/pg" -l "$work/pg.log" \
  -o "-k $work -p $pgport -c listen_addresses=127.0.0.1" >/dev/null)
psql -q -h 127.0.0.1 -p $pgport -U eventmap -d postgres -c "CREATE DATABASE bench"
url="postgres://eventmap@127.0.0.1:$pgport/bench"
export EVENTMAP_TOKEN=bench-token

mkdir "$work/articles"
python3 - "$work/articles" "$n" <<'PY'
import sys
seed = open("geodata/articles/kazakhstan-2022-01-fr.txt", encoding="utf-8").read()
for i in range(int(sys.argv[2])):
    with open(f"{sys.argv[1]}/a{i:06}.txt", "w", encoding="utf-8") as f:
        f.write(seed + f"\nMise à jour n° {i}.\n")
PY

ingest() { # ingest <store>: seconds to ingest every article
  local t0 t1
  t0=$(date +%s.%N)
  find "$work/articles" -name '*.txt' | sort | xargs "$bin" ingest --store "$1" --lang fr \
    --published 2022-01-07 >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

serve() { # serve <store> <port>: starts a server and waits until it answers
  RUST_LOG=info NO_COLOR=1 "$bin" serve --addr 127.0.0.1:"$2" --store "$1" >"$work/serve-$2.log" 2>&1 &
  pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$2/status"; do sleep 0.02; done
}

startup() { # startup <port>: the startup_ms the server on <port> logged
  sed 's/\x1b\[[0-9;]*m//g' "$work/serve-$1.log" | grep -o 'startup_ms=[0-9]*' | cut -d= -f2
}

stop_servers() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
}

posts() { # posts <port> <count> <first>: POST latencies, p50 and p99 in ms
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys, time, urllib.request
port, count, first = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
times = []
for i in range(first, first + count):
    day, month = 1 + i % 28, 1 + (i // 28) % 12
    text = f"Rally {i}\n{day} {['January','February','March','April','May','June','July','August','September','October','November','December'][month-1]} 2019: thousands of protesters rallied in Aktau (report {i}).\n"
    req = urllib.request.Request(f"http://127.0.0.1:{port}/articles", data=json.dumps({"text": text}).encode(),
        headers={"Authorization": "Bearer bench-token", "Content-Type": "application/json"})
    t0 = time.perf_counter()
    urllib.request.urlopen(req).read()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"p50 {times[len(times)//2]:.1f} ms, p99 {times[min(len(times)-1, len(times)*99//100)]:.1f} ms, max {times[-1]:.1f} ms")
PY
}

lag() { # lag <port A> <port B> <count>: a POST on A until B serves it, p50 and p99 in ms
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys, time, urllib.request
a, b, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def matched(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/collections/events/items?limit=1") as r:
        return json.load(r)["numberMatched"]
lags = []
for i in range(count):
    text = f"Rally in Aktau\n{1 + i % 28} March 2018: thousands of protesters rallied in Aktau (lag {i}).\n"
    before = matched(b)
    req = urllib.request.Request(f"http://127.0.0.1:{a}/articles", data=json.dumps({"text": text}).encode(),
        headers={"Authorization": "Bearer bench-token", "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
    t0 = time.perf_counter()
    written = matched(a)
    if written == before:
        continue  # merged into an event B serves already: nothing to see
    while matched(b) != written:
        time.sleep(0.0005)
    lags.append((time.perf_counter() - t0) * 1000)
lags.sort()
print(f"{len(lags)} writes, p50 {lags[len(lags)//2]:.1f} ms, p99 {lags[min(len(lags)-1, len(lags)*99//100)]:.1f} ms, max {lags[-1]:.1f} ms")
PY
}

echo "ingest of $n articles: sqlite $(ingest "sqlite:$work/sqlite") s, postgres $(ingest "$url") s"
events=$(psql -tA -h 127.0.0.1 -p $pgport -U eventmap -d bench -c "SELECT count(*) FROM events")
echo "stored events: $events"
for round in 1 2 3; do
  serve "sqlite:$work/sqlite" 18142; s=$(startup 18142); stop_servers
  serve "$url" 18143; p=$(startup 18143); stop_servers
  echo "startup round $round: sqlite ${s} ms, postgres ${p} ms"
done
serve "sqlite:$work/sqlite" 18142
echo "POST latency, sqlite (100 posts): $(posts 18142 100 0)"
stop_servers
serve "$url" 18143
serve "$url" 18144
echo "POST latency, postgres (100 posts, another server following): $(posts 18143 100 0)"
echo "lag between two servers on one database: $(lag 18143 18144 100)"
stop_servers
