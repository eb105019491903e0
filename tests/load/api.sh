#!/usr/bin/env bash
# Calling server APIs, our client beside the official Python SDK (lark-oapi), in one run, loopback
# only, bounded in time: tests/load/api.sh
#
# Builds tests/examples/api_bench.rs in release as a crate of its own against lark-api with the `im`
# feature alone (a release build of every service takes many minutes on two cores), starts its
# `serve` mode (one thread: the tenant token and im.v1.message.create's example answer), then, for
# each concurrency in CONCURRENCY (default "1 16"), sends the page's example message CALLS times
# (default 20000) with our client (tokio tasks on a current-thread runtime, then on two worker
# threads) and PY_CALLS times (default 2000; lark-oapi opens a connection per call) with lark-oapi
# (tests/conformance/api_bench_official.py: as many threads, its calls being synchronous), each
# after a warm-up, one after the other against the same server. Prints a Markdown table: calls/s
# and the client process's user + system CPU time per call (the server's not counted), and the
# ratio of calls/s to lark-oapi's at the same concurrency.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
calls=${CALLS:-20000}
py_calls=${PY_CALLS:-2000}
concurrency=${CONCURRENCY:-1 16}
venv="$root/tests/conformance/.venv"
target="${CARGO_TARGET_DIR:-$root/target}"
crate="$target/api-bench"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import lark_oapi' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/conformance/requirements.txt"
fi

mkdir -p "$crate"
cat >"$crate/Cargo.toml" <<EOF
# Written by tests/load/api.sh: the benchmark client of tests/examples/api_bench.rs with lark-api's im alone.
[package]
name = "api-bench"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[[bin]]
name = "api_bench"
path = "$root/tests/examples/api_bench.rs"

[dependencies]
lark-api = { path = "$root/generated/api", features = ["im"] }
tokio = { version = "1", features = ["rt-multi-thread", "net", "time"] }
axum = "0.8"
serde_json = "1"
EOF
cp "$root/Cargo.lock" "$crate/Cargo.lock" # the workspace's versions
echo "building the benchmark client (release, lark-api with im only)" >&2
cargo build --quiet --release --manifest-path "$crate/Cargo.toml" --target-dir "$target"
bin="$target/release/api_bench"

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" serve >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
base=""
for _ in $(seq 100); do
    base=$(sed -n 's/^base=//p' "$work/server.out")
    [ -n "$base" ] && break
    sleep 0.1
done
if [ -z "$base" ]; then
    echo "the benchmark server did not start" >&2
    cat "$work/server.err" >&2
    exit 1
fi

export CLK_TCK
CLK_TCK=$(getconf CLK_TCK)
lark_oapi=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("lark-oapi"))')
python=$("$venv/bin/python" -c 'import platform; print(platform.python_version())')
echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); lark-oapi $lark_oapi on Python $python" >&2
for c in $concurrency; do
    limit=$((60 + calls / 100))
    timeout "$limit" "$bin" client "$base" "$calls" "$c" 1 >>"$work/results"
    if [ "$c" -gt 1 ]; then
        timeout "$limit" "$bin" client "$base" "$calls" "$c" 2 >>"$work/results"
    fi
    timeout $((60 + py_calls / 20)) "$venv/bin/python" "$root/tests/conformance/api_bench_official.py" \
        "$base" "$py_calls" "$c" >>"$work/results"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$venv/bin/python" - "$work/results" "$lark_oapi" "$python" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
theirs = {r["concurrency"]: r["calls_per_second"] for r in rows if r["client"] == "lark-oapi"}
print("| concurrency | client | calls | calls/s | CPU µs/call | ratio |")
print("| ---: | --- | ---: | ---: | ---: | ---: |")
for r in rows:
    if r["client"] == "ours":
        runtime = "current-thread runtime" if r["threads"] == 1 else f"{r['threads']} worker threads"
        who = f"ours (Rust, release; {r['concurrency']} tasks, {runtime})"
    else:
        who = f"lark-oapi {sys.argv[2]} (Python {sys.argv[3]}; {r['threads']} threads)"
    ratio = r["calls_per_second"] / theirs[r["concurrency"]]
    print(f"| {r['concurrency']} | {who} | {r['calls']} | {r['calls_per_second']:.0f} "
          f"| {r['cpu_us_per_call']:.0f} | {ratio:.1f}× |")
PY
