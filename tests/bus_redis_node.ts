/**
 * A stand-in CSMS node for tests/bus_redis_test.ts, in its own process so that the test can SIGKILL it:
 * it serves commands and admin requests on a RedisBus, holds the chargers named on its command line, and
 * answers each command with its node id. Args: REDIS_URL PREFIX NODE LEASE_MS CHARGER...
 */
import { RedisBus } from "../shared/bus_redis.ts";

const [url, prefix, node, leaseMs, ...chargers] = Deno.args;
const bus = await RedisBus.connect(url, { node, prefix, leaseMs: Number(leaseMs) });
bus.serveCommands((req) => Promise.resolve({ ok: true, response: { node, action: req.action } }));
bus.serveAdmin((req) => Promise.resolve({ ok: true, value: req.kind === "charger.disconnect" }));
const at = new Date().toISOString();
for (const chargerId of chargers) {
  bus.publish({ type: "charger.connected", chargerId, at, protocol: "ocpp1.6", node });
}
// Served once the lease is written; the test waits for this line.
while ((await bus.liveNodes()).indexOf(node) < 0) await new Promise((r) => setTimeout(r, 20));
console.log("ready");
