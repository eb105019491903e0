#!/usr/bin/env bash
# Server CPU per request of several `lark-events serve` builds or settings, alternated, loopback only,
# bounded in time: tests/load/cpu.sh ROUNDS 'NAME=BINARY [SERVE ARGS…]' …
#
# Each round runs every server in turn, alone: a 2 s warm-up, then wrk (one thread, CONNECTIONS=4
# keep-alive connections) for DURATION=6 seconds while `perf stat -e task-clock -p` counts the
# server's CPU time; prints one line per run: name, requests/s, p99 and CPU µs per request. The
# request is run.sh's (the seed event, encrypted and signed), deduplication is off.
# Example: tests/load/cpu.sh 3 "before=/tmp/lark-events-before" "after=target/release/lark-events" \
#     "two-threads=target/release/lark-events --threads 2"
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rounds=$1
shift
duration=${DURATION:-6}
connections=${CONNECTIONS:-4}
key="load-test-encrypt-key"
path="/webhook/event"
export LARK_ENCRYPT_KEY=$key LARK_VERIFICATION_TOKEN="rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV"

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node "$here/request.mjs" "$key" "$path" "$work/request.lua" "$work/request.curl"
echo "wrk -t1 -c$connections -d${duration}s after a 2 s warm-up; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
    for spec in "$@"; do
        name=${spec%%=*}
        read -r -a command <<<"${spec#*=}"
        RUST_LOG=warn "${command[0]}" serve "${command[@]:1}" --addr "127.0.0.1:$port" --path "$path" \
            --dedup-capacity 0 >/dev/null 2>"$work/server.log" &
        server=$!
        for _ in $(seq 100); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            sleep 0.1
        done
        answer=$(curl -K "$work/request.curl" "http://127.0.0.1:$port$path")
        if [ "$answer" != '{"msg":"success"}' ]; then
            echo "$name does not accept the request: $answer" >&2
            exit 1
        fi
        wrk -t1 -c"$connections" -d2s -s "$work/request.lua" "http://127.0.0.1:$port" >/dev/null
        perf stat -x, -e task-clock -p "$server" -o "$work/perf" -- \
            wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/request.lua" \
            "http://127.0.0.1:$port" >"$work/wrk"
        kill "$server"
        wait "$server" 2>/dev/null || true
        server=
        if grep -qE "Non-2xx|Socket errors" "$work/wrk"; then
            echo "$name: errors during the run:" >&2
            cat "$work/wrk" >&2
            exit 1
        fi
        requests=$(awk '/requests in/ {print $1}' "$work/wrk")
        rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/wrk")
        p99=$(awk '$1 == "99%" {print $2}' "$work/wrk")
        cpu_ms=$(awk -F, '$3 == "task-clock" {print $1}' "$work/perf")
        echo "round $round $name: $rps requests/s, p99 $p99, $(awk -v ms="$cpu_ms" -v n="$requests" \
            'BEGIN { printf "%.1f", ms * 1000 / n }') CPU µs/request"
    done
done
