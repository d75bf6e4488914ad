import assert from "node:assert/strict";
import { MAX_RECENT_REFUSALS } from "../../shared/queries.ts";
import type { RefusalRecord } from "../../shared/storage.ts";
import { PendingRefusals } from "./pending_refusals.ts";

const refusal = (
  chargerId: string,
  at: string,
  reason: RefusalRecord["reason"] = "unknown-id",
): RefusalRecord => ({
  chargerId,
  at,
  remoteAddress: "192.0.2.1",
  reason,
  status: 401,
});

Deno.test("pending refusals: counted per id, the latest kept, in the order of each id's latest", () => {
  const p = new PendingRefusals();
  p.add(refusal("A", "t1"));
  p.add(refusal("B", "t2"));
  p.add(refusal("A", "t3", "bad-credentials"));
  const taken = p.take();
  assert.deepEqual(taken.map(([id, r]) => [id, r.attempts, r.firstAt, r.latest.at, r.latest.reason]), [
    ["B", 1, "t2", "t2", "unknown-id"],
    ["A", 2, "t1", "t3", "bad-credentials"],
  ]);
  assert.equal(p.size, 0, "taken means forgotten");
});

Deno.test("pending refusals: never more ids than the table keeps, the least recent dropped", () => {
  const p = new PendingRefusals();
  for (let i = 0; i < MAX_RECENT_REFUSALS + 10; i++) p.add(refusal(`ID-${i}`, `t${i}`));
  const taken = p.take();
  assert.equal(taken.length, MAX_RECENT_REFUSALS);
  assert.equal(taken[0][0], "ID-10");
});
