#!/usr/bin/env bash
# Webhook load benchmark, bounded in time, loopback only: tests/load/run.sh
#
# Starts our server (`lark-events serve`, release build) and the official Node SDK's server
# (adaptDefault on node:http) on 127.0.0.1, checks that both accept the same signed, encrypted seed
# event, then drives each with wrk (one thread) for DURATION seconds (default 10) at each number of
# keep-alive connections in CONNECTIONS (default "4 16") and prints a Markdown table: requests/s,
# p50, p99, the server's CPU time per request (user + system, from /proc; less sensitive than
# latency to other load on the machine), and the ratio of requests/s.
# Deduplication is off in our server (--dedup-capacity 0) so that every request runs the handler,
# as in the Node SDK.
# BASELINE_BIN=path/to/an/older/lark-events adds that build as a third server, measured in the same
# run (e.g. a copy of the binary taken before a change), so that before and after are compared under
# the same load.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${DURATION:-10}
connections=${CONNECTIONS:-4 16}
key="load-test-encrypt-key"
token="rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV"
path="/webhook/event"

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    else
        echo "wrk is missing (Debian: apt-get install -y wrk)" >&2
        exit 1
    fi
fi
if [ ! -d "$root/tests/conformance/node_modules/@larksuiteoapi/node-sdk" ]; then
    (cd "$root/tests/conformance" && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd "$root" && cargo build --quiet --release -p lark-runtime --features cli)
ours_bin="${CARGO_TARGET_DIR:-$root/target}/release/lark-events"
baseline_bin=${BASELINE_BIN:-}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_for() { # port
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    exit 1
}

export LARK_ENCRYPT_KEY=$key LARK_VERIFICATION_TOKEN=$token
start_ours() { # binary port log
    RUST_LOG=warn "$1" serve --addr "127.0.0.1:$2" --path "$path" --dedup-capacity 0 >/dev/null 2>"$3" &
}
ours_port=$(free_port)
start_ours "$ours_bin" "$ours_port" "$work/ours.log"
ours_pid=$!
pids+=($!)
if [ -n "$baseline_bin" ]; then
    baseline_port=$(free_port)
    start_ours "$baseline_bin" "$baseline_port" "$work/baseline.log"
    baseline_pid=$!
    pids+=($!)
    wait_for "$baseline_port"
fi
node_port=$(free_port)
NODE_PATH="$root/tests/conformance/node_modules" node "$here/node_server.cjs" "$node_port" "$path" \
    >/dev/null 2>"$work/node.log" &
node_pid=$!
pids+=($!)
wait_for "$ours_port"
wait_for "$node_port"

node "$here/request.mjs" "$key" "$path" "$work/request.lua" "$work/request.curl"
for server in "ours:$ours_port" "node:$node_port" ${baseline_bin:+"baseline:$baseline_port"}; do
    answer=$(curl -K "$work/request.curl" "http://127.0.0.1:${server#*:}$path")
    if [ "$answer" != '{"msg":"success"}' ]; then
        echo "${server%%:*} does not accept the request: $answer" >&2
        exit 1
    fi
done

# to_ms VALUE: wrk's "812.00us" / "1.20ms" / "1.01s" in milliseconds
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
        printf "%.3f", n }'
}
cpu_ticks() { # pid: user + system clock ticks so far
    awk '{print $14 + $15}' "/proc/$1/stat"
}
measure() { # name port connections pid
    wrk -t1 -c"$3" -d2s -s "$work/request.lua" "http://127.0.0.1:$2" >/dev/null # warm-up
    before=$(cpu_ticks "$4")
    wrk -t1 -c"$3" -d"${duration}s" --latency -s "$work/request.lua" "http://127.0.0.1:$2" \
        >"$work/$1.wrk"
    after=$(cpu_ticks "$4")
    if grep -qE "Non-2xx|Socket errors" "$work/$1.wrk"; then
        echo "$1: errors during the run:" >&2
        cat "$work/$1.wrk" >&2
        exit 1
    fi
    rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/$1.wrk")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$work/$1.wrk")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$work/$1.wrk")")
    requests=$(awk '/requests in/ {print $1}' "$work/$1.wrk")
    cpu_us=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
    echo "$rps $p50 $p99 $cpu_us"
}

sdk_version=$(node -p "require('$root/tests/conformance/node_modules/@larksuiteoapi/node-sdk/package.json').version")
echo "wrk -t1 -d${duration}s per run after a 2 s warm-up; seed event (compact JSON) encrypted and signed; loopback; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| connections | server | requests/s | p50 (ms) | p99 (ms) | CPU µs/request | ratio |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for c in $connections; do
    read -r ours_rps ours_p50 ours_p99 ours_cpu < <(measure ours "$ours_port" "$c" "$ours_pid")
    read -r node_rps node_p50 node_p99 node_cpu < <(measure node "$node_port" "$c" "$node_pid")
    ratio=$(awk -v a="$ours_rps" -v b="$node_rps" 'BEGIN { printf "%.1f", a / b }')
    echo "| $c | lark-events serve (Rust, release) | $ours_rps | $ours_p50 | $ours_p99 | $ours_cpu | ${ratio}× |"
    echo "| $c | node-sdk $sdk_version adaptDefault (Node $(node --version)) | $node_rps | $node_p50 | $node_p99 | $node_cpu | 1× |"
    if [ -n "$baseline_bin" ]; then
        read -r base_rps base_p50 base_p99 base_cpu < <(measure baseline "$baseline_port" "$c" "$baseline_pid")
        ratio=$(awk -v a="$base_rps" -v b="$node_rps" 'BEGIN { printf "%.1f", a / b }')
        echo "| $c | baseline: $baseline_bin | $base_rps | $base_p50 | $base_p99 | $base_cpu | ${ratio}× |"
    fi
done
