#!/usr/bin/env bash
# Load-tests `eventmap serve` on loopback with wrk for N synthetic events (default 10000 and
# 1000000): startup time, peak RSS, and req/s + p50/p99 for the queries users make.
# Usage: scripts/bench_server.sh [N…]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin eventmap
# BIN=path/to/other/eventmap measures another build (the one before, side by side).
bin=${BIN:-target/release/eventmap}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=18123
for n in "${@:-10000 1000000}"; do
  for n in $n; do
    "$bin" synth --events "$n" --seed 1 --out "$work/events.geojson" 2>/dev/null
    start=$(date +%s.%N)
    RUST_LOG=warn "$bin" serve --addr 127.0.0.1:$port --events "$work/events.geojson" &
    pid=$!
    until curl -s -o /dev/null http://127.0.0.1:$port/status; do sleep 0.05; done
    ready=$(date +%s.%N)
    id=$(curl -s "http://127.0.0.1:$port/collections/events/items?limit=1&offset=$((n / 2))" | python3 -c 'import json,sys; print(json.load(sys.stdin)["features"][0]["id"])')
    echo "## N = $n"
    echo "- startup (process start → first answer): $(python3 -c "print(f'{$ready - $start:.2f} s')")"
    run() { # run <label> <path>
      local out
      out=$(wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$port$2")
      local rps p50 p99
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      p50=$(awk '$1=="50%" {print $2}' <<<"$out")
      p99=$(awk '$1=="99%" {print $2}' <<<"$out")
      echo "| $1 | $rps | $p50 | $p99 |"
    }
    echo
    echo "| query | req/s | p50 | p99 |"
    echo "| --- | --- | --- | --- |"
    run "items?limit=100" "/collections/events/items?limit=100"
    run "items?datetime&bbox&limit=1000" "/collections/events/items?datetime=2021-03-01/2021-03-31&bbox=40,35,90,55&limit=1000"
    run "one item by id" "/collections/events/items/$id"
    run "places?limit=100" "/collections/places/items?limit=100"
    # CQL2: the date+box query above written as a filter (the index answers its dates and box),
    # a count comparison the rows answer, and a text match that reads every stored feature.
    run "filter: dates, box, fatalities (cql2-text)" "/collections/events/items?limit=1000&filter=event_date%20%3E%3D%20DATE('2021-03-01')%20AND%20event_date%20%3C%3D%20DATE('2021-03-31')%20AND%20S_INTERSECTS(geometry,BBOX(40,35,90,55))%20AND%20fatalities%20%3E%3D%201"
    run "filter: fatalities >= 20 (every row)" "/collections/events/items?limit=100&filter=fatalities%20%3E%3D%2020"
    run "filter: notes LIKE (every feature read)" "/collections/events/items?limit=100&filter=notes%20LIKE%20'%25Almaty%25'"
    run "sortby=-fatalities&limit=100" "/collections/events/items?limit=100&sortby=-fatalities"
    # Vector tiles: cached (the same URL again, gzipped as MapLibre asks), then uncached (a new
    # date filter each request, so neither the tile cache nor a memo answers).
    lon_lat=$(curl -s "http://127.0.0.1:$port/collections/events/items?limit=1&offset=$((n / 3))" | python3 -c 'import json,sys; c=json.load(sys.stdin)["features"][0]["geometry"]["coordinates"]; print(c[0], c[1])')
    z10=$(python3 -c "import math,sys; lon,lat=map(float,'$lon_lat'.split()); n=2**10; x=int((lon+180)/360*n); y=int((1-math.log(math.tan(math.radians(lat))+1/math.cos(math.radians(lat)))/math.pi)/2*n); print(f'10/{y}/{x}')")
    tiles="/collections/events/tiles/WebMercatorQuad"
    runh() { # runh <label> <path>: as run, with the Accept-Encoding MapLibre sends
      local out
      out=$(wrk -t2 -c32 -d10s --latency -H "Accept-Encoding: gzip" "http://127.0.0.1:$port$2")
      echo "| $1 | $(awk '/Requests\/sec/ {print $2}' <<<"$out") | $(awk '$1=="50%" {print $2}' <<<"$out") | $(awk '$1=="99%" {print $2}' <<<"$out") |"
    }
    runh "tile z0 (cached)" "$tiles/0/0/0"
    runh "tile z10 (cached)" "$tiles/$z10"
    for t in "0/0/0" "2/1/2" "$z10"; do
      first=$(date +%s%N)
      for d in $(seq 1 20); do
        curl -s -o /dev/null -H "Accept-Encoding: gzip" "http://127.0.0.1:$port$tiles/$t?datetime=2021-01-$(printf %02d "$d")/2022-12-31"
      done
      echo
      echo "- tile $t uncached (20 distinct date filters): $(( ($(date +%s%N) - first) / 20000 )) µs each, curl included"
    done
    # A new filter each request: the aggregation itself, not the per-revision memo.
    first=$(date +%s%N)
    for d in $(seq 1 28); do
      curl -s -o /dev/null "http://127.0.0.1:$port/collections/places/items?limit=100&datetime=2021-02-$(printf %02d "$d")/2021-12-31"
    done
    echo
    echo "- places, 28 distinct date filters (none remembered): $(( ($(date +%s%N) - first) / 28000000 )) ms each"
    dl_start=$(date +%s.%N)
    bytes=$(curl -s "http://127.0.0.1:$port/collections/events/items?download=true" | wc -c)
    dl_end=$(date +%s.%N)
    echo
    echo "- full download: $bytes bytes in $(python3 -c "print(f'{$dl_end - $dl_start:.2f} s')")"
    echo "- peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$pid/status)"
    echo
    kill $pid; wait $pid 2>/dev/null || true
  done
done
