import assert from "node:assert/strict";
import { BatchedPort, type Structured, unbatch } from "./batched_port.ts";

Deno.test("batched port: what one turn posts crosses as one JSON text, in order", async () => {
  const posted: unknown[] = [];
  const port = new BatchedPort({ postMessage: (m) => posted.push(m) });
  port.postMessage({ n: 1 });
  await Promise.resolve();
  port.postMessage({ n: 2 }); // after an await, same turn
  port.postMessage({ n: 3, gone: undefined });
  assert.equal(posted.length, 0, "nothing before the turn ends");
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(posted, [JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }])]);
  // Bytes go by structured clone, after what was queued before them.
  port.postMessage({ n: 4 });
  port.postStructured({ bytes: new Uint8Array([1, 2]) });
  assert.deepEqual(posted.slice(1), [
    JSON.stringify([{ n: 4 }]),
    { ch: "structured", message: { bytes: new Uint8Array([1, 2]) } },
  ]);
});

Deno.test("batched port: unbatch hands each message over in order", () => {
  const seen: unknown[] = [];
  unbatch<{ n: number }>(JSON.stringify([{ n: 1 }, { n: 2 }]), (m) => seen.push(m.n));
  unbatch<{ n: number }>({ ch: "structured", message: { n: 3 } } satisfies Structured, (m) => seen.push(m.n));
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("batched port: across a real MessageChannel the receiver sees every message once, in order", async () => {
  const channel = new MessageChannel();
  const port = new BatchedPort(channel.port1);
  const seen: number[] = [];
  const all = Promise.withResolvers<void>();
  channel.port2.onmessage = (e) =>
    unbatch<{ i: number; bytes?: Uint8Array }>(e.data, (m) => {
      seen.push(m.bytes ? m.bytes[0] + 1000 : m.i);
      if (seen.length === 101) all.resolve();
    });
  for (let i = 0; i < 100; i++) {
    port.postMessage({ i });
    if (i === 50) port.postStructured({ i, bytes: new Uint8Array([7]) });
    if (i % 7 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  await all.promise;
  const expected = Array.from({ length: 100 }, (_, i) => i);
  expected.splice(51, 0, 1007);
  assert.deepEqual(seen, expected);
  channel.port1.close();
  channel.port2.close();
});
