#!/usr/bin/env bash
# Points the official Python SDK's long-connection client (lark-oapi, from PyPI) at the local test
# server of lark-runtime and checks that it receives the seed event and acknowledges it with code 200.
# One command, bounded in time: tests/conformance/ws_official_client.sh [PARTS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
parts=${1:-1}
venv="$here/.venv"
limit=60

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

# The seed event: the JSON example of schema/docs/003_*.txt, compact.
"$venv/bin/python" - "$root" "$work/event.json" <<'PY'
import glob, json, re, sys
root, out = sys.argv[1], sys.argv[2]
page = glob.glob(f"{root}/schema/docs/003_*.txt")[0]
text = open(page, encoding="utf-8").read()
body = re.search(r"<md-code-json>(.*?)</md-code-json>", text, re.S).group(1)
with open(out, "w", encoding="utf-8") as f:
    json.dump(json.loads(body), f, ensure_ascii=False, separators=(",", ":"))
PY

cd "$root"
cargo build --quiet -p lark-runtime --all-features --example ws_test_server
server="${CARGO_TARGET_DIR:-$root/target}/debug/examples/ws_test_server"

timeout "$limit" "$server" "$work/event.json" "$parts" >"$work/server.out" 2>"$work/server.err" &
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

timeout "$limit" "$venv/bin/python" "$here/ws_official_client.py" "$domain" >"$work/client.out" 2>&1 &
client_pid=$!

status=0
wait "$server_pid" || status=$?
server_pid=""

echo "== official client (lark-oapi $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("lark-oapi"))')) log:"
grep -E "connected to|received event|receive message|ping|pong" "$work/client.out" | cut -c1-300 || true
echo "== test server:"
cat "$work/server.out"
if [ "$status" -ne 0 ]; then
    echo "FAIL: the test server exited with $status" >&2
    cat "$work/server.err" "$work/client.out" >&2
    exit 1
fi
if ! grep -q "received event application.application.app_version.publish_apply_v6" "$work/client.out"; then
    echo "FAIL: the official client's handler did not receive the event" >&2
    exit 1
fi
echo "PASS: the official client received the event and acknowledged it with code 200"
