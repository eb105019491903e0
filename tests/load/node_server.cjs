// The official Node SDK's webhook server for the load benchmark: adaptDefault on node:http, with a
// handler for the seed event. Usage: node node_server.cjs PORT PATH (reads LARK_ENCRYPT_KEY and
// LARK_VERIFICATION_TOKEN). Prints "listening" once ready.

const http = require("node:http");
const lark = require("@larksuiteoapi/node-sdk");

const [port, path] = process.argv.slice(2);
const dispatcher = new lark.EventDispatcher({
  encryptKey: process.env.LARK_ENCRYPT_KEY,
  verificationToken: process.env.LARK_VERIFICATION_TOKEN,
  loggerLevel: lark.LoggerLevel.error,
}).register({
  "application.application.app_version.publish_apply_v6": async () => ({ msg: "success" }),
});

http
  .createServer(lark.adaptDefault(path, dispatcher, { autoChallenge: true }))
  .listen(Number(port), "127.0.0.1", () => console.log("listening"));
