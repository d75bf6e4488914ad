/**
 * The peer a user would compare Chargewire with: npm `ocpp-rpc` 2.2.1 in strict mode (every CALL and
 * every answer validated against the OCA 1.6 schemas) as a plain answering CSMS: no storage, no portal,
 * the same constant answers as the bare servers. Run by the bench under Node (ocpp-rpc's own runtime)
 * against the package `deno install` put in node_modules/.
 *
 *   node bench/peer_server.mjs [--port 0] [--max-seconds S]
 */
import { RPCServer } from "ocpp-rpc";
import { announceAndServe, ANSWERS, serverArgs } from "./bare_answers.mjs";
import process from "node:process";

const { port, maxSeconds } = serverArgs("peer_server", process.argv.slice(2));

const server = new RPCServer({ protocols: ["ocpp1.6"], strictMode: true });
server.on("client", (client) => {
  // A wildcard handler: one closure per client, as the library's own README does it.
  client.handle(({ method }) => ANSWERS[method] ?? {});
});
const http = await server.listen(port, "127.0.0.1");
const address = http.address();
announceAndServe(typeof address === "object" && address ? address.port : port, maxSeconds);
