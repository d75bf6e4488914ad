import assert from "node:assert/strict";
import { MemoryBus } from "./bus_memory.ts";
import type { BusEvent, CommandRequest } from "./events.ts";
import { configureLog } from "./log.ts";

const AT = "2025-03-01T12:00:00.000Z";
const heartbeat = (chargerId: string): BusEvent => ({ type: "charger.heartbeat", chargerId, at: AT });

/** Runs fn with console.error captured, so expected failure reports neither clutter nor go unchecked. */
/** The error lines logged while `fn` runs (shared/log.ts). */
async function capturingErrors(fn: (lines: string[]) => Promise<void> | void): Promise<void> {
  const lines: string[] = [];
  configureLog({ sink: (level, line) => level === "error" && lines.push(line) });
  try {
    await fn(lines);
  } finally {
    configureLog({ sink: null });
  }
}

Deno.test("bus: every subscriber gets every event, in order, until it unsubscribes", async () => {
  const bus = new MemoryBus();
  const a: BusEvent[] = [];
  const b: BusEvent[] = [];
  const offA = bus.subscribe((e) => a.push(e));
  bus.subscribe((e) => b.push(e));
  const status: BusEvent = {
    type: "connector.status",
    chargerId: "CP-1",
    at: AT,
    evseId: 1,
    connectorId: 1,
    status: "Occupied",
    chargingState: "Charging",
    original: "Charging",
  };
  bus.publish(heartbeat("CP-1"));
  bus.publish(status);
  offA();
  bus.publish(heartbeat("CP-2"));
  assert.deepEqual(a, [heartbeat("CP-1"), status]);
  assert.deepEqual(b, [heartbeat("CP-1"), status, heartbeat("CP-2")]);
  offA(); // a second unsubscribe is harmless
  await bus.close();
  bus.publish(heartbeat("CP-3"));
  assert.equal(b.length, 3, "close() drops the subscribers");
});

Deno.test("bus: the same listener subscribed twice is told once; publishing with no subscriber is fine", async () => {
  const bus = new MemoryBus();
  bus.publish(heartbeat("nobody-listens"));
  const seen: string[] = [];
  const listener = (e: BusEvent) => seen.push(e.chargerId);
  bus.subscribe(listener);
  bus.subscribe(listener);
  bus.publish(heartbeat("CP-1"));
  assert.deepEqual(seen, ["CP-1"]);
  await bus.close();
});

Deno.test("bus: a throwing subscriber does not stop the others and is reported", async () => {
  await capturingErrors(async (errors) => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`first:${e.chargerId}`));
    bus.subscribe(() => {
      throw new Error("subscriber exploded");
    });
    bus.subscribe((e) => seen.push(`third:${e.chargerId}`));
    assert.doesNotThrow(() => bus.publish(heartbeat("CP-1")));
    bus.publish(heartbeat("CP-2"));
    assert.deepEqual(seen, ["first:CP-1", "third:CP-1", "first:CP-2", "third:CP-2"]);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^bus: a subscriber failed on charger.heartbeat: Error: subscriber exploded/);
    await bus.close();
  });
});

Deno.test("bus: an async subscriber that rejects is reported, not left as an unhandled rejection", async () => {
  await capturingErrors(async (errors) => {
    const bus = new MemoryBus();
    const seen: string[] = [];
    bus.subscribe(async () => {
      await Promise.resolve();
      throw new Error("async subscriber exploded");
    });
    bus.subscribe((e) => seen.push(e.chargerId));
    bus.publish(heartbeat("CP-1"));
    assert.deepEqual(seen, ["CP-1"]);
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    assert.equal(errors.length, 1);
    assert.match(
      errors[0],
      /^bus: a subscriber failed on charger.heartbeat: Error: async subscriber exploded/,
    );
    await bus.close();
  });
});

Deno.test("bus: sendCommand with no CSMS serving commands is unavailable", async () => {
  const bus = new MemoryBus();
  const res = await bus.sendCommand("CP-1", "Reset", { type: "Soft" });
  assert.equal(res.ok, false);
  assert.equal(!res.ok && res.error, "unavailable");
  assert.ok(!res.ok && res.message.length > 0);
  await bus.close();
});

Deno.test("bus: sendCommand reaches the serving handler and resolves with its result", async () => {
  const bus = new MemoryBus();
  const requests: CommandRequest[] = [];
  const stop = bus.serveCommands((req) => {
    requests.push(req);
    if (req.chargerId === "CP-OFF") {
      return Promise.resolve({ ok: false, error: "offline", message: "CP-OFF is not connected" });
    }
    return Promise.resolve({ ok: true, response: { status: "Accepted" } });
  });
  const ok = await bus.sendCommand("CP-1", "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-1" }, {
    timeoutMs: 5000,
  });
  assert.deepEqual(ok, { ok: true, response: { status: "Accepted" } });
  const off = await bus.sendCommand("CP-OFF", "Reset", { type: "Hard" });
  assert.deepEqual(off, { ok: false, error: "offline", message: "CP-OFF is not connected" });

  assert.equal(requests.length, 2);
  assert.deepEqual(
    { ...requests[0], commandId: undefined },
    {
      commandId: undefined,
      chargerId: "CP-1",
      action: "RemoteStartTransaction",
      payload: { connectorId: 1, idTag: "TAG-1" },
      timeoutMs: 5000,
    },
  );
  assert.equal(requests[1].timeoutMs, undefined);
  assert.equal(typeof requests[0].commandId, "string");
  assert.notEqual(requests[0].commandId, requests[1].commandId);

  stop();
  assert.equal((await bus.sendCommand("CP-1", "ClearCache", {})).ok, false);
  await bus.close();
});

Deno.test("bus: a stale unregister does not remove a newer handler; close() removes it", async () => {
  const bus = new MemoryBus();
  const stopOld = bus.serveCommands(() => Promise.resolve({ ok: true, response: "old" }));
  bus.serveCommands(() => Promise.resolve({ ok: true, response: "new" }));
  stopOld();
  assert.deepEqual(await bus.sendCommand("CP-1", "ClearCache", {}), { ok: true, response: "new" });
  await bus.close();
  const after = await bus.sendCommand("CP-1", "ClearCache", {});
  assert.equal(!after.ok && after.error, "unavailable");
});

Deno.test("bus: admin requests reach the serving CSMS, and are unavailable without one", async () => {
  const bus = new MemoryBus();
  const none = await bus.admin({ kind: "idtag.delete", idTag: "T-1" });
  assert.deepEqual(none, { ok: false, error: "unavailable", message: "no CSMS is serving admin requests" });
  const seen: string[] = [];
  const stop = bus.serveAdmin((req) => {
    seen.push(req.kind);
    return Promise.resolve(
      req.kind === "charger.disconnect"
        ? { ok: true, value: req.chargerId === "CP-1" }
        : { ok: false, error: "invalid", message: `${req.kind} refused` },
    );
  });
  assert.deepEqual(await bus.admin({ kind: "charger.disconnect", chargerId: "CP-1", reason: "r" }), {
    ok: true,
    value: true,
  });
  assert.deepEqual(await bus.admin({ kind: "idtag.delete", idTag: "T-1" }), {
    ok: false,
    error: "invalid",
    message: "idtag.delete refused",
  });
  assert.deepEqual(seen, ["charger.disconnect", "idtag.delete"]);
  stop();
  assert.equal((await bus.admin({ kind: "idtag.delete", idTag: "T-1" })).ok, false);
  await bus.close();
});
