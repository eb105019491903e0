#!/usr/bin/env bash
# Webhook conformance with the official SDKs, in one command: tests/conformance/run.sh
# (`tests/conformance/run.sh --install` only installs the SDKs: `cargo xtask test` does that first,
# so that tests/tests/api_conformance.rs finds lark-oapi in .venv.)
#
# Installs the official Python SDK (lark-oapi, in .venv) and Node SDK (@larksuiteoapi/node-sdk, in
# node_modules) at the versions pinned here, checks that vectors.json is what gen_vectors.mjs
# writes, then runs the same vectors through both SDKs' own decryption, signature check and
# dispatch, and through ours (cargo test). Needs python3, node/npm and cargo; no network beyond
# PyPI and npm for the first install.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import lark_oapi' 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
fi
if [ ! -d node_modules/@larksuiteoapi/node-sdk ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
if [ "${1:-}" = "--install" ]; then
    exit 0
fi

fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
node gen_vectors.mjs "$fresh" 2>/dev/null
if ! cmp -s "$fresh" vectors.json; then
    echo "vectors.json is stale: run node tests/conformance/gen_vectors.mjs and commit" >&2
    exit 1
fi
echo "vectors.json matches gen_vectors.mjs"

status=0
.venv/bin/python check_python.py vectors.json || status=1
node check_node.cjs vectors.json || status=1
(cd "$root" && cargo test --quiet -p lark-runtime --all-features --test webhook_conformance) || status=1
exit $status
