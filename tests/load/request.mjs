// Writes a wrk Lua script that POSTs the seed event, encrypted and signed now, as the platform
// sends it (compact JSON, so that the official Node SDK's signature check accepts it too).
// Usage: node request.mjs ENCRYPT_KEY PATH LUA_OUT CURL_OUT   (the same request as a curl config, for
// the check that both servers accept it before they are measured)

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const [key, urlPath, luaOut, curlOut] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(fs.readFileSync(path.join(here, "../conformance/vectors.json"), "utf8")).vectors;
const plaintext = vectors.find((v) => v.name === "event_v2_plain").body;

const iv = crypto.randomBytes(16);
const cipher = crypto.createCipheriv("aes-256-cbc", crypto.createHash("sha256").update(key).digest(), iv);
const encrypt = Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
const body = JSON.stringify({ encrypt });
const timestamp = String(Math.floor(Date.now() / 1000));
const nonce = crypto.randomBytes(8).toString("hex");
const signature = crypto.createHash("sha256").update(timestamp + nonce + key + body).digest("hex");

const headers = {
  "Content-Type": "application/json",
  "X-Lark-Request-Timestamp": timestamp,
  "X-Lark-Request-Nonce": nonce,
  "X-Lark-Signature": signature,
};
const lua = [`wrk.method = "POST"`, `wrk.path = "${urlPath}"`, `wrk.body = [==[${body}]==]`]
  .concat(Object.entries(headers).map(([name, value]) => `wrk.headers["${name}"] = "${value}"`));
fs.writeFileSync(luaOut, lua.join("\n") + "\n");
const curl = ["silent", "show-error", `data-binary = ${JSON.stringify(body)}`]
  .concat(Object.entries(headers).map(([name, value]) => `header = "${name}: ${value}"`));
fs.writeFileSync(curlOut, curl.join("\n") + "\n");
