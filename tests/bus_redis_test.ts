/**
 * The Redis bus against a real Redis: events reach every process once, commands reach the node holding
 * the charger and its answer comes back, presence follows a charger that moves and lapses with a node
 * that dies (SIGKILL), admin requests go to a live node, and REDIS_URL's database number is honoured.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { RedisBus } from "../shared/bus_redis.ts";
import type { BusEvent } from "../shared/events.ts";
import { dropPrefix, HAVE_REDIS, keysUnder, TEST_REDIS_URL, testPrefix } from "./redis_support.ts";
import { waitFor } from "./wait.ts";

const AT = "2026-12-01T00:00:00.000Z";
const NODE_SCRIPT = fileURLToPath(new URL("./bus_redis_node.ts", import.meta.url));

function connected(chargerId: string, node: string): BusEvent {
  return { type: "charger.connected", chargerId, at: AT, protocol: "ocpp1.6", node };
}
function disconnected(chargerId: string, node: string): BusEvent {
  return { type: "charger.disconnected", chargerId, at: AT, node, reason: "closed" };
}

/** A bus per process role; all closed and the prefix's keys dropped at the end. */
async function withBuses(
  fn: (open: (node: string, leaseMs?: number) => Promise<RedisBus>, prefix: string) => Promise<void>,
  url = TEST_REDIS_URL,
): Promise<void> {
  const prefix = testPrefix();
  const buses: RedisBus[] = [];
  try {
    await fn(async (node, leaseMs) => {
      const bus = await RedisBus.connect(url, { node, prefix, ...(leaseMs && { leaseMs }) });
      buses.push(bus);
      return bus;
    }, prefix);
  } finally {
    await Promise.all(buses.map((b) => b.close()));
    await dropPrefix(url, prefix);
  }
}

Deno.test({
  name: "redis bus: every process's listeners get every event once, in the order published",
  ignore: !HAVE_REDIS,
  async fn() {
    await withBuses(async (open) => {
      const csms = await open("csms-a");
      const web1 = await open("web-1");
      const web2 = await open("web-2");
      const seen: Record<string, string[]> = { csms: [], web1: [], web2: [] };
      csms.subscribe((e) => seen.csms.push(e.chargerId));
      web1.subscribe((e) => seen.web1.push(e.chargerId));
      const off = web2.subscribe((e) => seen.web2.push(e.chargerId));
      const ids = Array.from({ length: 50 }, (_, i) => `CP-${i}`);
      for (const id of ids) csms.publish({ type: "charger.heartbeat", chargerId: id, at: AT });
      await waitFor(
        () => seen.web1.length === 50 && seen.web2.length === 50 && seen.csms.length === 50,
        "events",
      );
      assert.deepEqual(seen.web1, ids);
      assert.deepEqual(seen.web2, ids);
      assert.deepEqual(seen.csms, ids, "the publisher's own listeners too, once");
      off();
      csms.publish({ type: "charger.heartbeat", chargerId: "LAST", at: AT });
      await waitFor(() => seen.web1.at(-1) === "LAST", "the last event");
      assert.equal(seen.web2.length, 50, "an unsubscribed listener hears nothing more");
    });
  },
});

Deno.test({
  name: "redis bus: a command reaches the node holding the charger; no holder answers offline at once",
  ignore: !HAVE_REDIS,
  async fn() {
    await withBuses(async (open) => {
      const a = await open("csms-a");
      const b = await open("csms-b");
      const portal = await open("web-1");
      a.serveCommands((req) => Promise.resolve({ ok: true, response: { by: "a", payload: req.payload } }));
      b.serveCommands((req) =>
        Promise.resolve({ ok: true, response: { by: "b", timeoutMs: req.timeoutMs } })
      );
      await waitFor(async () => (await portal.liveNodes()).length === 2, "two live nodes");

      const started = performance.now();
      assert.deepEqual(await portal.sendCommand("CP-1", "Reset", { type: "Soft" }), {
        ok: false,
        error: "offline",
        message: "charger CP-1 is not connected",
      });
      assert.ok(performance.now() - started < 5000, "offline without waiting for a timeout");

      a.publish(connected("CP-1", "csms-a"));
      b.publish(connected("CP-2", "csms-b"));
      await waitFor(async () => (await portal.holder("CP-2")) === "csms-b", "presence");
      assert.deepEqual(await portal.sendCommand("CP-1", "Reset", { type: "Soft" }), {
        ok: true,
        response: { by: "a", payload: { type: "Soft" } },
      });
      assert.deepEqual(await portal.sendCommand("CP-2", "ClearCache", {}, { timeoutMs: 4000 }), {
        ok: true,
        response: { by: "b", timeoutMs: 4000 },
      });

      // CP-1 reconnects to b; a's late disconnect must not take the presence away from b.
      b.publish(connected("CP-1", "csms-b"));
      a.publish(disconnected("CP-1", "csms-a"));
      await waitFor(async () => (await portal.holder("CP-1")) === "csms-b", "CP-1 on b");
      assert.equal(
        (await portal.sendCommand("CP-1", "ClearCache", {})).ok && "b",
        "b",
      );
      b.publish(disconnected("CP-1", "csms-b"));
      await waitFor(async () => (await portal.holder("CP-1")) === undefined, "CP-1 gone");
      assert.equal(
        ((await portal.sendCommand("CP-1", "ClearCache", {})) as { error: string }).error,
        "offline",
      );
    });
  },
});

Deno.test({
  name: "redis bus: a node SIGKILLed takes its chargers offline once its lease lapses",
  ignore: !HAVE_REDIS,
  async fn() {
    await withBuses(async (open, prefix) => {
      const portal = await open("web-1");
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", NODE_SCRIPT, TEST_REDIS_URL, prefix, "csms-doomed", "600", "CP-X", "CP-Y"],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      try {
        let out = "";
        while (!out.includes("ready")) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the node exited before it was ready: ${out}`);
          out += value;
        }
        assert.deepEqual(await portal.sendCommand("CP-X", "Reset", { type: "Hard" }), {
          ok: true,
          response: { node: "csms-doomed", action: "Reset" },
        });
        assert.deepEqual(
          await portal.admin({ kind: "charger.disconnect", chargerId: "CP-Y", reason: "test" }),
          {
            ok: true,
            value: true,
          },
        );
        child.kill("SIGKILL");
        await child.status;
        // Within the lease (600 ms here; 15 s by default) the node counts as alive, then not.
        await waitFor(async () => (await portal.holder("CP-X")) === undefined, "the lease to lapse", 10_000);
        // No node is alive at all: nothing serves commands, as on an in-process bus without a CSMS.
        assert.deepEqual(await portal.sendCommand("CP-X", "Reset", { type: "Hard" }), {
          ok: false,
          error: "unavailable",
          message: "no CSMS is serving commands",
        });
        assert.deepEqual(await portal.admin({ kind: "idtag.delete", idTag: "T" }), {
          ok: false,
          error: "unavailable",
          message: "no CSMS is serving admin requests",
        });
      } finally {
        await reader.cancel().catch(() => {});
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }
    });
  },
});

Deno.test({
  name: "redis bus: admin requests go to a live node; a node closing in order leaves no lease behind",
  ignore: !HAVE_REDIS,
  async fn() {
    await withBuses(async (open, prefix) => {
      const csms = await open("csms-a");
      const portal = await open("web-1");
      const stop = csms.serveAdmin((req) =>
        Promise.resolve(
          req.kind === "idtag.delete"
            ? { ok: true, value: req.idTag === "KNOWN" }
            : { ok: false, error: "invalid", message: `${req.kind} not here` },
        )
      );
      await waitFor(async () => (await portal.liveNodes()).includes("csms-a"), "the admin node");
      assert.deepEqual(await portal.admin({ kind: "idtag.delete", idTag: "KNOWN" }), {
        ok: true,
        value: true,
      });
      assert.deepEqual(await portal.admin({ kind: "idtag.delete", idTag: "OTHER" }), {
        ok: true,
        value: false,
      });
      stop();
      await waitFor(async () => (await portal.liveNodes()).length === 0, "the lease released");
      assert.deepEqual(await keysUnder(TEST_REDIS_URL, `${prefix}node:`), []);
    });
  },
});

Deno.test({
  name: "redis bus: the database number in REDIS_URL is honoured",
  ignore: !HAVE_REDIS,
  async fn() {
    const db5 = TEST_REDIS_URL.replace(/\/\d*$/, "") + "/5";
    await withBuses(async (open, prefix) => {
      const a = await open("csms-a");
      a.publish(connected("CP-DB", "csms-a"));
      await waitFor(async () => (await keysUnder(db5, prefix)).length > 0, "a key in database 5");
      assert.deepEqual(await keysUnder(db5, prefix), [`${prefix}presence:CP-DB`]);
      const db0 = TEST_REDIS_URL.replace(/\/\d*$/, "") + "/0";
      assert.deepEqual(await keysUnder(db0, prefix), [], "nothing in database 0");
    }, db5);
  },
});

Deno.test({
  name: "redis bus: deployments on two database numbers of one Redis hear none of each other's events",
  ignore: !HAVE_REDIS,
  async fn() {
    // Redis's pub/sub ignores database numbers: the channels must carry it (same prefix, both default-like).
    const base = TEST_REDIS_URL.replace(/\/\d*$/, "");
    const prefix = testPrefix();
    const a = await RedisBus.connect(`${base}/6`, { node: "csms-6", prefix });
    const b = await RedisBus.connect(`${base}/7`, { node: "web-7", prefix });
    const a2 = await RedisBus.connect(`${base}/6`, { node: "web-6", prefix });
    try {
      const onB: string[] = [];
      const onA2: string[] = [];
      b.subscribe((e) => onB.push(e.chargerId));
      a2.subscribe((e) => onA2.push(e.chargerId));
      a.publish({ type: "charger.heartbeat", chargerId: "CP-6", at: AT });
      b.publish({ type: "charger.heartbeat", chargerId: "CP-7", at: AT });
      await waitFor(() => onA2.includes("CP-6") && onB.includes("CP-7"), "each database's own event");
      a.publish({ type: "charger.heartbeat", chargerId: "CP-6-last", at: AT });
      await waitFor(() => onA2.includes("CP-6-last"), "the last event on database 6");
      assert.deepEqual(onB, ["CP-7"]);
      assert.deepEqual(onA2, ["CP-6", "CP-6-last"]);
    } finally {
      await Promise.all([a.close(), b.close(), a2.close()]);
      await dropPrefix(`${base}/6`, prefix);
      await dropPrefix(`${base}/7`, prefix);
    }
  },
});

Deno.test({
  name: "redis bus: an unreachable REDIS_URL fails to connect with one line naming it, without the password",
  async fn() {
    await assert.rejects(
      RedisBus.connect("redis://user:s3cret@127.0.0.1:1/2", { node: "n" }),
      (err: Error) => {
        assert.match(err.message, /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/2: /);
        assert.ok(!err.message.includes("s3cret"));
        assert.ok(!err.message.includes("\n"));
        return true;
      },
    );
  },
});

Deno.test({
  name:
    "redis bus: ready() resolves once what a node serves is subscribed, so a request right after is served",
  ignore: !HAVE_REDIS,
  async fn() {
    await withBuses(async (open) => {
      const portal = await open("web-1");
      const csms = await open("csms-a");
      csms.serveAdmin((req) => Promise.resolve({ ok: true, value: req.kind === "idtag.delete" }));
      csms.serveCommands(() => Promise.resolve({ ok: true, response: "served" }));
      assert.equal(await csms.ready(), true);
      csms.publish(connected("CP-R", "csms-a"));
      // No polling: the node is live and subscribed the moment ready() resolved.
      assert.deepEqual(await portal.admin({ kind: "idtag.delete", idTag: "T" }), { ok: true, value: true });
      await waitFor(async () => (await portal.holder("CP-R")) === "csms-a", "presence");
      assert.deepEqual(await portal.sendCommand("CP-R", "ClearCache", {}), { ok: true, response: "served" });
    });
  },
});
