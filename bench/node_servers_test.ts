/**
 * The Node reference servers as real processes, checked by an independent peer: a strict `ocpp-rpc`
 * client (tests/ocpp_rpc_peer.ts) boots, starts a transaction and sends MeterValues to each, and every
 * answer must pass its schema validation. Skips with one line where there is no `node`.
 */
import assert from "node:assert/strict";
import { nodeExecutable, type NodeServerKind, startNodeServer } from "./node_servers.ts";
import { connectPeerClient } from "../tests/ocpp_rpc_peer.ts";

const node = nodeExecutable();

for (const kind of ["peer", "node"] as NodeServerKind[]) {
  Deno.test({
    name: `bench ${kind} server answers a strict ocpp-rpc charger with schema-valid OCPP 1.6`,
    ignore: !node,
    async fn() {
      const { proc, port } = await startNodeServer(kind);
      try {
        const client = await connectPeerClient({
          endpoint: `ws://127.0.0.1:${port}/ocpp`,
          identity: `NODE-${kind}`,
          protocols: ["ocpp1.6"],
        });
        try {
          const boot = await client.call("BootNotification", {
            chargePointVendor: "Bench",
            chargePointModel: "Strict",
          });
          assert.equal(boot.status, "Accepted");
          const start = await client.call("StartTransaction", {
            connectorId: 1,
            idTag: "TAG1",
            meterStart: 0,
            timestamp: new Date().toISOString(),
          });
          assert.equal(start.transactionId, 1);
          const meter = await client.call("MeterValues", {
            connectorId: 1,
            transactionId: 1,
            meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: "10" }] }],
          });
          assert.deepEqual(meter, {});
          assert.equal((await client.call("DataTransfer", { vendorId: "bench" })).status, "Accepted");
        } finally {
          await client.close({ force: true });
        }
      } finally {
        await proc.stop();
      }
    },
  });
}
if (!node) console.log("bench node servers: skipped, no node on PATH (set NODE)");

Deno.test({
  name: "bench Node servers: a bad flag is one line on stderr and exit code 2",
  ignore: !node,
  async fn() {
    for (const script of ["bench/peer_server.mjs", "bench/node_ws_server.mjs"]) {
      const out = await new Deno.Command(node!, {
        args: [script, "--port", "99999"],
        cwd: new URL("..", import.meta.url),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 2, script);
      const err = new TextDecoder().decode(out.stderr).trim().split("\n");
      assert.equal(err.length, 1, err.join("\n"));
      assert.match(err[0], /expected --port 0\.\.65535/);
    }
  },
});
