import assert from "node:assert/strict";
import { type Batch, BatchedPort, unbatch } from "./batched_port.ts";

Deno.test("batched port: what one turn posts crosses as one message, in order", async () => {
  const posted: unknown[] = [];
  const port = new BatchedPort({ postMessage: (m) => posted.push(m) });
  port.postMessage({ n: 1 });
  await Promise.resolve();
  port.postMessage({ n: 2 }); // after an await, same turn
  port.postMessage({ n: 3 });
  assert.equal(posted.length, 0, "nothing before the turn ends");
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(posted, [{ ch: "batch", items: [{ n: 1 }, { n: 2 }, { n: 3 }] }]);
  port.postMessage({ n: 4 });
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(posted[1], { n: 4 }, "a lone message crosses as itself");
});

Deno.test("batched port: unbatch hands each message over in order, a lone one as it is", () => {
  const seen: unknown[] = [];
  unbatch<{ n: number }>({ ch: "batch", items: [{ n: 1 }, { n: 2 }] } as Batch, (m) => seen.push(m.n));
  unbatch<{ n: number }>({ n: 3 }, (m) => seen.push(m.n));
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("batched port: across a real MessageChannel the receiver sees every message once, in order", async () => {
  const channel = new MessageChannel();
  const port = new BatchedPort(channel.port1);
  const seen: number[] = [];
  const all = Promise.withResolvers<void>();
  channel.port2.onmessage = (e) =>
    unbatch<number>(e.data, (n) => {
      seen.push(n);
      if (seen.length === 100) all.resolve();
    });
  for (let i = 0; i < 100; i++) {
    port.postMessage(i);
    if (i % 7 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  await all.promise;
  assert.deepEqual(seen, Array.from({ length: 100 }, (_, i) => i));
  channel.port1.close();
  channel.port2.close();
});
