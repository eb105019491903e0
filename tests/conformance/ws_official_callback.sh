#!/usr/bin/env bash
# Points the official Python SDK's long-connection client (lark-oapi, from PyPI) at the local test
# server of lark-runtime, sends it a card.action.trigger callback (the example of the
# "卡片回传交互回调" page) and checks that its acknowledgement equals the one lark-runtime's client
# sends for the same frame and the same answer: frame fields and headers, and the payload as JSON
# with its base64 `data` decoded and parsed. One command, bounded in time:
# tests/conformance/ws_official_callback.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$here/.venv"
limit=90
fixtures="$root/runtime/tests/callback_support"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import lark_oapi' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "lark-oapi==1.7.5"
fi

work=$(mktemp -d)
server_pid=""
client_pid=""
cleanup() {
    [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
cargo build --quiet -p lark-runtime --all-features --example ws_callback_exchange
exchange="${CARGO_TARGET_DIR:-$root/target}/debug/examples/ws_callback_exchange"

timeout "$limit" "$exchange" "$fixtures/card_action_trigger.json" "$fixtures/card_action_response.json" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
domain=""
for _ in $(seq 100); do
    domain=$(sed -n 's/^domain=//p' "$work/server.out")
    [ -n "$domain" ] && break
    sleep 0.1
done
if [ -z "$domain" ]; then
    echo "FAIL: the test server did not start" >&2
    cat "$work/server.err" >&2
    exit 1
fi

timeout "$limit" "$venv/bin/python" "$here/ws_official_callback.py" "$domain" \
    "$fixtures/card_action_response.json" >"$work/client.out" 2>&1 &
client_pid=$!

status=0
wait "$server_pid" || status=$?
server_pid=""

echo "== official client (lark-oapi $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("lark-oapi"))')) log:"
grep -E "connected to|received callback|receive message" "$work/client.out" | cut -c1-300 || true
echo "== exchange:"
cat "$work/server.out"
if [ "$status" -ne 0 ]; then
    echo "FAIL: the acknowledgements differ or did not arrive (exit $status)" >&2
    cat "$work/server.err" "$work/client.out" >&2
    exit 1
fi
if ! grep -q "received callback card.action.trigger" "$work/client.out"; then
    echo "FAIL: the official client's card handler did not receive the callback" >&2
    exit 1
fi
echo "PASS: lark-runtime acknowledges the callback as lark-oapi does (same frame, same payload and answer)"
