import assert from "node:assert/strict";
import { backoffDelay, basicAuth, ConnectGate, endpointFor } from "./transport.ts";

Deno.test("transport: backoff grows exponentially to its cap, with jitter in the upper half", () => {
  const o = { initialMs: 1_000, maxMs: 30_000 };
  assert.equal(backoffDelay(0, o, () => 0), 500);
  assert.equal(backoffDelay(0, o, () => 0.999999), 1_000);
  assert.equal(backoffDelay(3, o, () => 0), 4_000);
  assert.equal(backoffDelay(3, o, () => 1), 8_000);
  assert.equal(backoffDelay(20, o, () => 1), 30_000);
  assert.equal(backoffDelay(20, o, () => 0), 15_000);
  // Two chargers dropped together do not come back together.
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, o)));
  assert.ok(spread.size > 10);
});

Deno.test("transport: the endpoint is the base URL and the id as one path segment", () => {
  assert.equal(endpointFor("ws://h:9000/ocpp", "CP-1"), "ws://h:9000/ocpp/CP-1");
  assert.equal(endpointFor("ws://h:9000/ocpp//", "CP-1"), "ws://h:9000/ocpp/CP-1");
  assert.equal(endpointFor("ws://h/ocpp", "a|b"), "ws://h/ocpp/a%7Cb");
});

Deno.test("transport: Basic auth header per RFC 7617", () => {
  assert.equal(basicAuth("CP-1", "pw"), `Basic ${btoa("CP-1:pw")}`);
  assert.equal(basicAuth("CP", "pä"), "Basic Q1A6cMOk");
});

Deno.test("transport: the connect gate holds handshakes to its limit and hands slots on in order", async () => {
  const gate = new ConnectGate(2);
  const order: number[] = [];
  const a = await gate.acquire();
  const b = await gate.acquire();
  const c = gate.acquire().then((r) => (order.push(3), r));
  const d = gate.acquire().then((r) => (order.push(4), r));
  await Promise.resolve();
  assert.deepEqual(order, []);
  a();
  a(); // releasing twice frees one slot only
  (await c)();
  b();
  (await d)();
  assert.deepEqual(order, [3, 4]);
});
