import assert from "node:assert/strict";
import { silenceLimitMs, silentConnections } from "./liveness.ts";

Deno.test("liveness: silence limit is three heartbeat intervals", () => {
  assert.equal(silenceLimitMs(60), 180_000);
});

Deno.test("liveness: only connections silent for longer than the limit are picked", () => {
  const conns = [{ id: "a", lastFrameMs: 0 }, { id: "b", lastFrameMs: 50 }, { id: "c", lastFrameMs: 100 }];
  assert.deepEqual(silentConnections(conns, 150, 100).map((c) => c.id), ["a"]);
  assert.deepEqual(silentConnections(conns, 100, 100), []);
});
