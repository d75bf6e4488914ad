import assert from "node:assert/strict";
import { MemoryBus } from "../shared/bus_memory.ts";
import type { BusEvent, CommandRequest } from "../shared/events.ts";
import { LoopBus, type LoopBusMessage, LoopHub } from "./loop_bus.ts";

const AT = "2026-12-02T06:00:00.000Z";

/** A hub on a MemoryBus and `n` loop buses, joined by real MessageChannels as threads would be. */
function setUp(n: number) {
  const bus = new MemoryBus();
  const channels = Array.from({ length: n }, () => new MessageChannel());
  const hub = new LoopHub(bus, channels.map((c) => c.port1));
  const loops = channels.map((c, i) => {
    const loop = new LoopBus(c.port2);
    c.port2.onmessage = (e: MessageEvent<LoopBusMessage>) => loop.receive(e.data);
    c.port1.onmessage = (e: MessageEvent<LoopBusMessage>) => hub.receive(i, e.data);
    return loop;
  });
  const seen: BusEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  return {
    bus,
    hub,
    loops,
    seen,
    async close() {
      hub.close();
      for (const l of loops) await l.close();
      for (const c of channels) c.port1.close(), c.port2.close();
      await bus.close();
    },
  };
}

const connected = (chargerId: string, node: string): BusEvent => ({
  type: "charger.connected",
  chargerId,
  at: AT,
  protocol: "ocpp1.6",
  node,
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), "the condition never held");
}

Deno.test("loop bus: each loop's events reach the process's bus, and presence reaches every loop", async () => {
  const t = setUp(2);
  const atLoop = [[], []] as BusEvent[][];
  t.loops.forEach((l, i) => l.subscribe((e) => atLoop[i].push(e)));
  t.loops[1].publish(connected("CP-1", "n.2"));
  t.loops[0].publish({ type: "charger.heartbeat", chargerId: "CP-2", at: AT } as BusEvent);
  await until(() => t.seen.length === 2 && atLoop[0].length === 1 && atLoop[1].length === 1);
  assert.deepEqual(t.seen.map((e) => e.type).sort(), ["charger.connected", "charger.heartbeat"]);
  // Loops get presence only (both, the publisher included), never the rest.
  assert.deepEqual(atLoop.map((events) => events.map((e) => e.type)), [["charger.connected"], [
    "charger.connected",
  ]]);
  await t.close();
});

Deno.test("loop bus: a command goes to the loop that holds the charger, and its answer comes back", async () => {
  const t = setUp(3);
  const asked: Array<[number, CommandRequest]> = [];
  t.loops.forEach((l, i) =>
    l.serveCommands((req) => {
      asked.push([i, req]);
      return Promise.resolve({ ok: true, response: { from: i } });
    })
  );
  t.loops[2].publish(connected("CP-9", "n.3"));
  await until(() => t.seen.length === 1);
  const result = await t.bus.sendCommand("CP-9", "Reset", { type: "Soft" }, { timeoutMs: 500 });
  assert.deepEqual(result, { ok: true, response: { from: 2 } });
  assert.equal(asked.length, 1);
  assert.equal(asked[0][0], 2);
  assert.equal(asked[0][1].action, "Reset");
  assert.equal(asked[0][1].timeoutMs, 500);
  // Moved to loop 0: commands follow; a stale disconnect from loop 2 does not take the presence away.
  t.loops[0].publish(connected("CP-9", "n.1"));
  t.loops[2].publish({
    type: "charger.disconnected",
    chargerId: "CP-9",
    at: AT,
    node: "n.3",
    reason: "replaced",
  });
  await until(() => t.seen.length === 3);
  await t.bus.sendCommand("CP-9", "Reset", { type: "Hard" });
  assert.equal(asked[1][0], 0);
  await t.close();
});

Deno.test("loop bus: a charger no loop holds is asked of the first loop, which answers in its own words", async () => {
  const t = setUp(2);
  const by: number[] = [];
  t.loops.forEach((l, i) =>
    l.serveCommands((req) => {
      by.push(i);
      return Promise.resolve({
        ok: false,
        error: "offline",
        message: `charger ${req.chargerId} is not connected`,
      });
    })
  );
  const result = await t.bus.sendCommand("CP-NONE", "Reset", { type: "Soft" });
  assert.deepEqual(result, { ok: false, error: "offline", message: "charger CP-NONE is not connected" });
  assert.deepEqual(by, [0]);
  await t.close();
});

Deno.test("loop bus: admin requests spread over the loops; a disconnect goes to the holder", async () => {
  const t = setUp(2);
  const by: string[] = [];
  t.loops.forEach((l, i) =>
    l.serveAdmin((req) => {
      by.push(`${i}:${req.kind}`);
      return Promise.resolve({ ok: true, value: true } as never);
    })
  );
  t.loops[1].publish(connected("CP-1", "n.2"));
  await until(() => t.seen.length === 1);
  await t.bus.admin({ kind: "idtag.delete", idTag: "A" });
  await t.bus.admin({ kind: "idtag.delete", idTag: "B" });
  await t.bus.admin({ kind: "charger.disconnect", chargerId: "CP-1", reason: "kicked" });
  assert.deepEqual(by, ["0:idtag.delete", "1:idtag.delete", "1:charger.disconnect"]);
  await t.close();
});

Deno.test("loop bus: a loop's own requests are the process's bus's, answered through the hub", async () => {
  const t = setUp(2);
  // Loop 0 holds CP-7; loop 1 asks the bus to disconnect it (a registration withdrawn on loop 1).
  const kicked: string[] = [];
  t.loops[0].serveAdmin((req) => {
    kicked.push(req.kind);
    return Promise.resolve({ ok: true, value: true } as never);
  });
  t.loops[0].publish(connected("CP-7", "n.1"));
  await until(() => t.seen.length === 1);
  const result = await t.loops[1].admin({ kind: "charger.disconnect", chargerId: "CP-7", reason: "gone" });
  assert.deepEqual(result, { ok: true, value: true });
  assert.deepEqual(kicked, ["charger.disconnect"]);
  await t.close();
});

Deno.test("loop bus: requests still waiting when the hub closes are answered unavailable", async () => {
  const t = setUp(1);
  t.loops[0].serveCommands(() => new Promise(() => {})); // never answers
  const waiting = t.bus.sendCommand("CP-1", "Reset", { type: "Soft" });
  await new Promise((r) => setTimeout(r, 20));
  t.hub.close();
  const result = await waiting;
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error, "unavailable");
  await t.close();
});
