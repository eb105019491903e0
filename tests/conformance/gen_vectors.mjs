// Writes the webhook conformance vectors (vectors.json) as the platform would send them:
// bodies encrypted with AES-256-CBC (key = SHA-256 of the encrypt key, IV first, PKCS#7) and
// signed with hex(sha256(timestamp ‖ nonce ‖ encrypt_key ‖ raw body)). Deterministic: every IV
// is derived from the vector's name, so regenerating gives the same file.
//
// Usage: node tests/conformance/gen_vectors.mjs [OUTPUT]   (default: vectors.json beside this file)

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const output = process.argv[2] ?? path.join(here, "vectors.json");

const ENCRYPT_KEY = "conformance-encrypt-key-0001";
const OTHER_KEY = "a-different-encrypt-key";
const TOKEN = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";
const TIMESTAMP = "1700000000";
const SEED_TYPE = "application.application.app_version.publish_apply_v6";

/** The JSON example of the seed page (schema/docs/003_*.txt), compact. */
function seedEvent() {
  const dir = path.join(root, "schema/docs");
  const file = fs.readdirSync(dir).find((name) => name.startsWith("003_"));
  const text = fs.readFileSync(path.join(dir, file), "utf8");
  const match = text.match(/<md-code-json>([\s\S]*?)<\/md-code-json>/);
  return JSON.parse(match[1]);
}

function encrypt(plaintext, key, name) {
  const iv = crypto.createHash("sha256").update(`iv:${name}`).digest().subarray(0, 16);
  const aesKey = crypto.createHash("sha256").update(key).digest();
  const cipher = crypto.createCipheriv("aes-256-cbc", aesKey, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

function sign(timestamp, nonce, key, body) {
  return crypto.createHash("sha256").update(timestamp + nonce + key).update(body, "utf8").digest("hex");
}

/**
 * One request. `plaintext` is the decrypted body; `body` is what goes over the wire.
 * `expect` is the platform's rule (what a correct receiver does); `deviations` names the official
 * SDKs known to do otherwise, and why.
 */
function vector(name, { plaintext, key = ENCRYPT_KEY, encryptWith = key, token = TOKEN, signed = true,
  wrap = (encrypted) => JSON.stringify({ encrypt: encrypted }), body, nonce = `nonce-${name}`,
  signature, receivedAt = TIMESTAMP, expect, deviations = {} }) {
  const wire = body ?? (encryptWith ? wrap(encrypt(plaintext, encryptWith, name)) : plaintext);
  const headers = signed
    ? {
        "x-lark-request-timestamp": TIMESTAMP,
        "x-lark-request-nonce": nonce,
        "x-lark-signature": signature ?? sign(TIMESTAMP, nonce, key, wire),
      }
    : {};
  return { name, encrypt_key: key, verification_token: token, received_at: Number(receivedAt),
    headers, body: wire, plaintext: plaintext ?? null, expect, deviations };
}

const seed = seedEvent();
const seedBody = JSON.stringify(seed);
const eventId = seed.header.event_id;
const handled = { status: 200, event_type: SEED_TYPE, event_id: eventId };
const challenge = (token) => JSON.stringify({ challenge: "ajls384kdjx98XX", token, type: "url_verification" });
const v1Body = JSON.stringify({
  uuid: "41b5f371157e3f2e1e7b05de1e1a2b3c", token: TOKEN, ts: "1700000000.123", type: "event_callback",
  event: { type: "app_open", app_id: "cli_9f5343c580712544", tenant_key: "2ca1d211f64f6438",
    applicants: [{ open_id: "ou_84aad35d084aa403a838cf73ee18467" }] },
});
const withToken = (token) => JSON.stringify({ ...seed, header: { ...seed.header, token } });

const vectors = [
  vector("challenge_plain", { plaintext: challenge(TOKEN), key: "", signed: false,
    expect: { status: 200, challenge: "ajls384kdjx98XX" } }),
  vector("challenge_encrypted", { plaintext: challenge(TOKEN), signed: false,
    expect: { status: 200, challenge: "ajls384kdjx98XX" } }),
  vector("event_v2_plain", { plaintext: seedBody, key: "", signed: false, expect: handled }),
  vector("event_v2_encrypted_signed", { plaintext: seedBody, expect: handled }),
  vector("event_v1_encrypted_signed", { plaintext: v1Body,
    expect: { status: 200, event_type: "app_open", event_id: "41b5f371157e3f2e1e7b05de1e1a2b3c" } }),
  vector("event_v2_signed_non_compact", { plaintext: seedBody,
    wrap: (encrypted) => `{ "encrypt": "${encrypted}" }\n`, expect: handled,
    deviations: { node: "signs JSON.stringify of the parsed body, not the raw bytes" } }),
  vector("challenge_wrong_token", { plaintext: challenge("wrong-token"), signed: false,
    expect: { status: 401 }, deviations: { node: "does not check the token of a challenge" } }),
  vector("event_wrong_token", { plaintext: withToken("wrong-token"), expect: { status: 401 },
    deviations: { node: "does not check the verification token" } }),
  vector("event_bad_signature", { plaintext: seedBody, signature: sign(TIMESTAMP, "another-nonce", ENCRYPT_KEY, "x"),
    expect: { status: 401 } }),
  vector("event_unsigned_with_key", { plaintext: seedBody, signed: false, expect: { status: 401 } }),
  vector("event_stale_timestamp", { plaintext: seedBody, receivedAt: Number(TIMESTAMP) + 3600,
    expect: { status: 401 },
    deviations: { node: "has no timestamp window", python: "has no timestamp window" } }),
  vector("event_wrong_encrypt_key", { plaintext: seedBody, encryptWith: OTHER_KEY, expect: { status: 400 } }),
  vector("event_bad_base64", { body: JSON.stringify({ encrypt: "not*base64!" }), expect: { status: 400 } }),
  vector("event_truncated_ciphertext", { plaintext: seedBody,
    wrap: (encrypted) => JSON.stringify({ encrypt: encrypted.slice(0, 40) }), expect: { status: 400 } }),
  vector("event_malformed_json", { body: '{"schema":"2.0","header":', key: "", signed: false, expect: { status: 400 } }),
];

fs.writeFileSync(output, JSON.stringify({
  about: "Webhook conformance vectors, written by gen_vectors.mjs; do not edit by hand.",
  vectors,
}, null, 2) + "\n");
console.error(`wrote ${vectors.length} vectors to ${path.relative(process.cwd(), output)}`);
