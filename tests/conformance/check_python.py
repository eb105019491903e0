"""Drives the official Python SDK (lark-oapi) on the webhook conformance vectors.

For every vector: its own AES decryption must give the plaintext, and EventDispatcherHandler.do
(decryption, token and signature checks, dispatch to a registered handler) must accept exactly the
requests the platform's rules accept, except where the vector names a known deviation of this SDK.
Prints one line per vector and closes with "N passed, N failed".

Usage: .venv/bin/python check_python.py [vectors.json]
"""

import json
import logging
import pathlib
import sys

import lark_oapi as lark
from lark_oapi.core.const import LARK_REQUEST_NONCE, LARK_REQUEST_SIGNATURE, LARK_REQUEST_TIMESTAMP
from lark_oapi.core.model import RawRequest
from lark_oapi.core.utils import AESCipher

SEED_TYPE = "application.application.app_version.publish_apply_v6"
HEADER_NAMES = {
    "x-lark-request-timestamp": LARK_REQUEST_TIMESTAMP,
    "x-lark-request-nonce": LARK_REQUEST_NONCE,
    "x-lark-signature": LARK_REQUEST_SIGNATURE,
}

logging.getLogger("Lark").setLevel(logging.CRITICAL)


def handler_for(vector):
    """The SDK's dispatcher for this vector's key and token, and the event ids its handlers saw."""
    seen = []
    handler = (
        lark.EventDispatcherHandler.builder(vector["encrypt_key"], vector["verification_token"])
        .register_p2_application_application_app_version_publish_apply_v6(
            lambda event: seen.append((SEED_TYPE, event.header.event_id))
        )
        .register_p1_customized_event("app_open", lambda event: seen.append(("app_open", event.uuid)))
        .build()
    )
    return handler, seen


def request(vector):
    req = RawRequest()
    req.uri = "/webhook/event"
    req.headers = {HEADER_NAMES[name]: value for name, value in vector["headers"].items()}
    req.body = vector["body"].encode("utf-8")
    return req


def accepted(vector, response, seen):
    """Whether the SDK answered the challenge or ran a handler; when the vector must be accepted,
    also whether it answered the right challenge or handed the right event to the handler."""
    expect = vector["expect"]
    if response.status_code != 200:
        return False
    challenge = json.loads(response.content or b"{}").get("challenge")
    if "challenge" in expect:
        return challenge == expect["challenge"]
    if "event_type" in expect:
        return seen == [(expect["event_type"], expect["event_id"])]
    return challenge is not None or bool(seen)


def decrypts(vector):
    """The SDK's own AESCipher gives the committed plaintext (for well-formed encrypted bodies)."""
    if vector["expect"]["status"] != 200:
        return True
    body = json.loads(vector["body"])
    if "encrypt" not in body:
        return True
    return AESCipher(vector["encrypt_key"]).decrypt_str(body["encrypt"]) == vector["plaintext"]


def main():
    path = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).with_name("vectors.json"))
    vectors = json.loads(path.read_text(encoding="utf-8"))["vectors"]
    passed = failed = 0
    for vector in vectors:
        handler, seen = handler_for(vector)
        response = handler.do(request(vector))
        ok_decrypt = decrypts(vector)
        got = accepted(vector, response, seen)
        want = vector["expect"]["status"] == 200
        deviation = vector["deviations"].get("python")
        if got == want and ok_decrypt:
            verdict = "ok"
        elif deviation and ok_decrypt:
            verdict = f"known deviation: {deviation}"
        else:
            verdict = "FAIL" + ("" if ok_decrypt else " (decrypt)")
        status = "accepts" if got else f"rejects ({response.status_code})"
        print(f"python  {vector['name']:<32} {status:<14} {verdict}")
        if verdict.startswith("FAIL"):
            failed += 1
        else:
            passed += 1
    # Observation, not a rule of the vectors: does the SDK hand a duplicate delivery to the handler?
    seed = next(v for v in vectors if v["name"] == "event_v2_encrypted_signed")
    handler, seen = handler_for(seed)
    handler.do(request(seed))
    handler.do(request(seed))
    print(f"python  duplicate delivery reaches the handler {len(seen)} time(s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
