#!/usr/bin/env bash
# Replicas sharing one Redis, under load, bounded in time, loopback only: tests/load/redis.sh
#
# Starts a redis-server of its own (no persistence) and `lark-events serve` (release build) three
# ways: one replica with event ids claimed in memory; two replicas, each in its own memory; two
# replicas claiming in the one Redis (`--redis`). Every request is a new event (the seed event as
# plaintext JSON, with the verification token, its event_id unique per request), so that every
# request claims an id and runs the handler (printing to /dev/null). Two replicas are driven by two
# wrk processes at once (one thread, half the connections each), as a load balancer would spread
# them; their requests/s add up and the p99 is the higher of the two. CPU µs/request is the user +
# system time of the replicas over the run divided by the requests served, and the same for
# redis-server where it is used. Prints a Markdown table.
# DURATION (default 10) seconds per run after a 2 s warm-up, CONNECTIONS (default "4 16") in total.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${DURATION:-10}
connections=${CONNECTIONS:-4 16}
path="/webhook/event"
app_id="cli_load_test"

install() { # command package
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
    else
        echo "$1 is missing (Debian: apt-get install -y $2)" >&2
        exit 1
    fi
}
install wrk wrk
install redis-server redis-server
(cd "$root" && cargo build --quiet --release -p lark-runtime --features cli)
bin="${CARGO_TARGET_DIR:-$root/target}/release/lark-events"

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_for() { # port
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    exit 1
}

# The wrk script: the seed event with `{tag}-{n}` as its event_id, n counting the requests.
token=$(python3 - "$root/tests/conformance/vectors.json" "$path" "$work/request.lua" <<'EOF'
import json, sys
vectors, path, out = sys.argv[1:]
vector = next(v for v in json.load(open(vectors))["vectors"] if v["name"] == "event_v2_plain")
body = vector["body"]
event_id = json.loads(body)["header"]["event_id"]
before, after = body.split(f'"event_id":"{event_id}"', 1)
with open(out, "w") as lua:
    lua.write(f"""local before = [==[{before}"event_id":"]==]
local after = [==["{after}]==]
local headers = {{ ["Content-Type"] = "application/json" }}
local tag, n = "", 0
function init(args) tag = args[1] end
function request()
    n = n + 1
    return wrk.format("POST", "{path}", headers, before .. tag .. "-" .. n .. after)
end
""")
print(vector["verification_token"])
EOF
)
export LARK_VERIFICATION_TOKEN=$token
unset LARK_ENCRYPT_KEY

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=($!)
wait_for "$redis_port"

start() { # variable name [--redis URL]: starts a replica on a free port, kept in the variable
    local port
    port=$(free_port)
    RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --path "$path" --app-id "$app_id" "${@:3}" \
        >/dev/null 2>"$work/$2.log" &
    pids+=($!)
    printf -v "$1_pid" '%s' "$!"
    wait_for "$port"
    printf -v "$1" '%s' "$port"
}
start memory memory
start alone_a alone-a
start alone_b alone-b
start shared_a shared-a --redis "redis://127.0.0.1:$redis_port"
start shared_b shared-b --redis "redis://127.0.0.1:$redis_port"
seed=$(python3 -c 'import json, sys; print(next(v for v in json.load(open(sys.argv[1]))["vectors"] if v["name"] == "event_v2_plain")["body"])' "$root/tests/conformance/vectors.json")
for port in "$memory" "$alone_a" "$alone_b" "$shared_a" "$shared_b"; do
    answer=$(curl --silent --show-error --data-binary "$seed" -H "Content-Type: application/json" "http://127.0.0.1:$port$path")
    if [ "$answer" != '{"msg":"success"}' ]; then
        echo "the server on port $port does not accept the event: $answer" >&2
        exit 1
    fi
done

to_ms() { # wrk's "812.00us" / "1.20ms" / "1.01s" in milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
        printf "%.3f", n }'
}
run_wrk() { # out port connections seconds tag
    wrk -t1 -c"$3" -d"$4s" --latency -s "$work/request.lua" "http://127.0.0.1:$2" -- "$5" >"$work/$1.wrk"
    if grep -qE "Non-2xx|Socket errors" "$work/$1.wrk"; then
        echo "$1: errors during the run:" >&2
        cat "$work/$1.wrk" >&2
        exit 1
    fi
}
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$work/$1.wrk"; }
requests() { awk '/requests in/ {print $1}' "$work/$1.wrk"; }
cpu_ticks() { # pids: user + system clock ticks so far, added up
    local total=0 pid
    for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}
cpu_us() { # ticks requests
    awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }'
}
p99() { to_ms "$(awk '$1 == "99%" {print $2}' "$work/$1.wrk")"; }
measure_one() { # port connections tag pids: "rps p99 cpu"
    run_wrk warm "$1" "$2" 2 "$3-warm"
    local before after
    before=$(cpu_ticks $4)
    run_wrk one "$1" "$2" "$duration" "$3"
    after=$(cpu_ticks $4)
    echo "$(rps one) $(p99 one) $(cpu_us $((after - before)) "$(requests one)")"
}
measure_two() { # port port connections-in-total tag pids: "rps p99 cpu redis-cpu"
    local half=$(($3 / 2)) a b before after redis_before redis_after
    run_wrk warm-a "$1" "$half" 2 "$4-warm-a" &
    a=$!
    run_wrk warm-b "$2" "$half" 2 "$4-warm-b" &
    b=$!
    wait "$a"
    wait "$b"
    before=$(cpu_ticks $5)
    redis_before=$(cpu_ticks "$redis_pid")
    run_wrk a "$1" "$half" "$duration" "$4-a" &
    a=$!
    run_wrk b "$2" "$half" "$duration" "$4-b" &
    b=$!
    wait "$a"
    wait "$b"
    after=$(cpu_ticks $5)
    redis_after=$(cpu_ticks "$redis_pid")
    local p99 served
    served=$(($(requests a) + $(requests b)))
    p99=$(awk -v x="$(p99 a)" -v y="$(p99 b)" 'BEGIN { print (x > y ? x : y) }')
    echo "$(($(rps a) + $(rps b))) $p99 $(cpu_us $((after - before)) "$served") $(cpu_us $((redis_after - redis_before)) "$served")"
}

echo "wrk -t1 per replica, ${duration} s per run after a 2 s warm-up; a new event id per request (seed event, plaintext); loopback; $(nproc) cores; redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| connections | setup | requests/s | p99 (ms) | replicas' CPU µs/request | redis-server CPU µs/request |"
echo "| ---: | --- | ---: | ---: | ---: | ---: |"
for c in $connections; do
    measure_one "$memory" "$c" "memory-$c" "$memory_pid" >"$work/result"
    read -r r p u <"$work/result"
    echo "| $c | one replica, ids in memory | $r | $p | $u | |"
    measure_two "$alone_a" "$alone_b" "$c" "alone-$c" "$alone_a_pid $alone_b_pid" >"$work/result"
    read -r r p u _ <"$work/result"
    echo "| $c | two replicas, each its ids in memory | $r | $p | $u | |"
    measure_two "$shared_a" "$shared_b" "$c" "shared-$c" "$shared_a_pid $shared_b_pid" >"$work/result"
    read -r r p u k <"$work/result"
    echo "| $c | two replicas, ids claimed in one Redis | $r | $p | $u | $k |"
done
claims=$(redis-cli -p "$redis_port" DBSIZE)
echo
echo "claims held in Redis after the runs: $claims"
# A replica that fell back to its memory during the run would not have measured Redis.
if grep -E "WARN.*(Redis|claim store)" "$work"/shared-*.log >&2; then
    echo "the replicas on Redis did not claim every id there (above)" >&2
    exit 1
fi
