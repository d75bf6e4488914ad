import assert from "node:assert/strict";
import { Coalescer } from "./coalescer.ts";

function nextFlush<K>(): {
  coalescer: (ms: number) => Coalescer<K>;
  batches: K[][];
  flushed: () => Promise<void>;
} {
  const batches: K[][] = [];
  let wake: (() => void) | undefined;
  return {
    batches,
    coalescer: (ms) =>
      new Coalescer<K>(ms, (keys) => {
        batches.push(keys);
        wake?.();
      }),
    flushed: () => new Promise<void>((resolve) => wake = resolve),
  };
}

Deno.test("coalescer: many marks of the same keys become one batch with each key once", async () => {
  const t = nextFlush<string>();
  const c = t.coalescer(50);
  const done = t.flushed();
  for (let i = 0; i < 1000; i++) c.mark(i % 2 === 0 ? "a" : "b");
  assert.equal(c.pending, 2);
  await done;
  assert.deepEqual(t.batches, [["a", "b"]]);
  c.close();
});

Deno.test("coalescer: marks after a flush make a later batch", async () => {
  const t = nextFlush<string>();
  const c = t.coalescer(20);
  let done = t.flushed();
  c.mark("a");
  await done;
  done = t.flushed();
  c.mark("a");
  c.mark("c");
  await done;
  assert.deepEqual(t.batches, [["a"], ["a", "c"]]);
  c.close();
});

Deno.test("coalescer: close drops what is pending and stops the timer", () => {
  const t = nextFlush<string>();
  const c = t.coalescer(10_000);
  c.mark("a");
  c.close();
  c.mark("b");
  assert.equal(c.pending, 0);
  assert.deepEqual(t.batches, []);
});
