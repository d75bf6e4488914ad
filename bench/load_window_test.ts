import assert from "node:assert/strict";
import { threadCores } from "./load_window.ts";
import { threadCpuSeconds } from "./procs.ts";

Deno.test("threadCores: per-thread growth in cores, most first, idle threads left out", () => {
  const before = new Map([["main thread", 1], ["sqlite writer", 0.5], ["tokio-runtime-w", 0.2]]);
  const after = new Map([["main thread", 3], ["sqlite writer", 1], ["tokio-runtime-w", 0.2], ["new", 0.1]]);
  assert.deepEqual(threadCores(before, after, 2), [
    { thread: "main thread", cores: 1 },
    { thread: "sqlite writer", cores: 0.25 },
    { thread: "new", cores: 0.05 },
  ]);
});

Deno.test({
  name: "threadCpuSeconds: this process's threads, the main one by the process id",
  ignore: Deno.build.os !== "linux",
  fn() {
    let x = 0;
    for (let i = 0; i < 5e6; i++) x += i % 7; // some CPU on the main thread
    const threads = threadCpuSeconds(Deno.pid);
    assert.ok(threads && x > 0);
    assert.ok(threads.has("main thread"), JSON.stringify([...threads.keys()]));
    for (const s of threads.values()) assert.ok(Number.isFinite(s) && s >= 0);
    assert.equal(threadCpuSeconds(2 ** 22 + 1), undefined, "no such process");
  },
});
