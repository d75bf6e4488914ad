/**
 * The bare Node limit: npm `ws` on Node, doing exactly what bench/bare_server.ts does on Deno (accept
 * `ocpp1.6`, answer each CALL with a constant CALLRESULT, nothing validated, stored or published).
 * Run by the bench with `node` against the `ws` that `deno install` put in node_modules/ (the version
 * deno.lock pins), so a fresh clone needs nothing beyond the npm registry.
 *
 *   node bench/node_ws_server.mjs [--port 0] [--max-seconds S]
 */
import { WebSocketServer } from "ws";
import { announceAndServe, answerFrame, serverArgs } from "./bare_answers.mjs";
import process from "node:process";

const SUBPROTOCOL = "ocpp1.6";
const { port, maxSeconds } = serverArgs("node_ws_server", process.argv.slice(2));

const wss = new WebSocketServer({
  host: "127.0.0.1",
  port,
  // The same as the bare Deno server: per-message deflate off, ocpp1.6 or nothing.
  perMessageDeflate: false,
  handleProtocols: (protocols) => protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false,
});
wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    const reply = answerFrame(data.toString());
    if (reply !== undefined && socket.readyState === socket.OPEN) socket.send(reply);
  });
  socket.on("error", () => socket.terminate());
});
wss.on("listening", () => {
  const address = wss.address();
  announceAndServe(typeof address === "object" && address ? address.port : port, maxSeconds);
});
