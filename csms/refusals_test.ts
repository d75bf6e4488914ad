import assert from "node:assert/strict";
import { REFUSAL_LOG_LINES_PER_MINUTE, refusalLine, RefusalLogLimit } from "./refusals.ts";
import type { RefusalRecord } from "../shared/storage.ts";

const refusal = (chargerId: string, more: Partial<RefusalRecord> = {}): RefusalRecord => ({
  chargerId,
  at: "2026-01-01T00:00:00.000Z",
  remoteAddress: "192.0.2.7",
  reason: "unknown-id",
  status: 401,
  ...more,
});

Deno.test("refusals: one line says who, from where, why and the status; ids are quoted", () => {
  assert.equal(
    refusalLine(refusal("CP-1")),
    'refused charge point "CP-1" from 192.0.2.7: unknown-id (401)',
  );
  assert.equal(
    refusalLine(refusal('CP "2"', { reason: "unsupported-subprotocol", status: 1002, detail: "ocpp2.0.1" })),
    'refused charge point "CP \\"2\\"" from 192.0.2.7: unsupported-subprotocol (1002; offered "ocpp2.0.1")',
  );
});

Deno.test("refusals: at most so many lines a minute; the next line logged says how many were not", () => {
  const limit = new RefusalLogLimit(3);
  const t0 = 1_000_000;
  const lines = Array.from({ length: 10 }, (_, i) => limit.line(refusal(`CP-${i}`), t0 + i));
  assert.deepEqual(lines.map((l) => l !== undefined), [true, true, true, ...Array(7).fill(false)]);
  // A minute after the first lines, there is room again, and the first line tells of the 7 missed.
  assert.equal(
    limit.line(refusal("CP-LATE"), t0 + 60_000),
    'refused charge point "CP-LATE" from 192.0.2.7: unknown-id (401); 7 more refusals not logged',
  );
  assert.equal(limit.line(refusal("CP-NEXT"), t0 + 60_001), refusalLine(refusal("CP-NEXT")));
  assert.ok(REFUSAL_LOG_LINES_PER_MINUTE > 0);
});
