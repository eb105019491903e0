// Drives the official Node SDK (@larksuiteoapi/node-sdk) on the webhook conformance vectors.
//
// For every vector: its own AESCipher must give the plaintext, and its HTTP adapter adaptDefault
// (body parsing, challenge, decryption, signature check, dispatch to a registered handler) must
// accept exactly the requests the platform's rules accept, except where the vector names a known
// deviation of this SDK. Prints one line per vector and closes with "N passed, N failed".
//
// Usage: node check_node.cjs [vectors.json]

const fs = require("node:fs");
const path = require("node:path");
const { Readable } = require("node:stream");
const lark = require("@larksuiteoapi/node-sdk");

const SEED_TYPE = "application.application.app_version.publish_apply_v6";
const PATH = "/webhook/event";
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

function dispatcherFor(vector, seen) {
  return new lark.EventDispatcher({
    encryptKey: vector.encrypt_key,
    verificationToken: vector.verification_token,
    logger: silent,
  }).register({
    [SEED_TYPE]: async (data) => { seen.push([SEED_TYPE, data.event_id]); },
    app_open: async (data) => { seen.push(["app_open", data.uuid]); },
  });
}

/** One request through adaptDefault, as node:http would hand it over; resolves to the body sent. */
async function post(handler, vector) {
  const req = Readable.from([Buffer.from(vector.body, "utf8")]);
  req.url = PATH;
  req.method = "POST";
  req.headers = { ...vector.headers };
  let answer;
  const res = { statusCode: 200, end(body) { answer = body; }, setHeader() {} };
  try {
    await handler(req, res);
  } catch (error) {
    return { status: "throws", body: String(error.message) };
  }
  return { status: res.statusCode, body: answer };
}

function accepted(vector, response, seen) {
  const expect = vector.expect;
  if (response.status !== 200) return false;
  let challenge;
  try { challenge = JSON.parse(response.body ?? "{}").challenge; } catch { challenge = undefined; }
  if ("challenge" in expect) return challenge === expect.challenge;
  if ("event_type" in expect) {
    return seen.length === 1 && seen[0][0] === expect.event_type && seen[0][1] === expect.event_id;
  }
  return challenge !== undefined || seen.length > 0;
}

function decrypts(vector) {
  if (vector.expect.status !== 200) return true;
  const body = JSON.parse(vector.body);
  if (!("encrypt" in body)) return true;
  return new lark.AESCipher(vector.encrypt_key).decrypt(body.encrypt) === vector.plaintext;
}

async function main() {
  const file = process.argv[2] ?? path.join(__dirname, "vectors.json");
  const { vectors } = JSON.parse(fs.readFileSync(file, "utf8"));
  let passed = 0;
  let failed = 0;
  for (const vector of vectors) {
    const seen = [];
    const handler = lark.adaptDefault(PATH, dispatcherFor(vector, seen), { autoChallenge: true });
    const response = await post(handler, vector);
    const okDecrypt = decrypts(vector);
    const got = accepted(vector, response, seen);
    const want = vector.expect.status === 200;
    const deviation = vector.deviations.node;
    let verdict;
    if (got === want && okDecrypt) verdict = "ok";
    else if (deviation && okDecrypt) verdict = `known deviation: ${deviation}`;
    else verdict = `FAIL${okDecrypt ? "" : " (decrypt)"}`;
    const status = got ? "accepts" : `rejects (${response.status}, ${JSON.stringify(response.body ?? "")})`;
    console.log(`node    ${vector.name.padEnd(32)} ${status.padEnd(14)} ${verdict}`);
    if (verdict.startsWith("FAIL")) failed += 1; else passed += 1;
  }
  // Observation, not a rule of the vectors: does the SDK hand a duplicate delivery to the handler?
  const seed = vectors.find((v) => v.name === "event_v2_encrypted_signed");
  const seen = [];
  const handler = lark.adaptDefault(PATH, dispatcherFor(seed, seen), { autoChallenge: true });
  await post(handler, seed);
  await post(handler, seed);
  console.log(`node    duplicate delivery reaches the handler ${seen.length} time(s)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
