import assert from "node:assert/strict";
import type { MeterValue16 } from "../shared/ocpp/mod.ts";
import { MAX_TX_SERIES, TxSeries } from "./tx_series.ts";

const mv = (n: number): MeterValue16 => ({
  timestamp: new Date(n * 1000).toISOString(),
  sampledValue: [{ value: String(n), measurand: "Energy.Active.Import.Register", unit: "Wh" }],
});
const values = (s: MeterValue16[]) => s.map((m) => Number(m.sampledValue[0].value));

Deno.test("tx series: begin, samples and end in order, per transaction", () => {
  const s = new TxSeries();
  s.begin(1, mv(0));
  s.begin(2);
  s.add(1, mv(10));
  s.add(2, mv(11));
  s.add(3, mv(12)); // not collecting
  s.add(1, undefined); // nothing asked for
  s.add(1, mv(20));
  assert.deepEqual(values(s.take(1, mv(25))), [0, 10, 20, 25]);
  assert.deepEqual(values(s.take(2)), [11]);
  assert.deepEqual(s.take(1), [], "taken once");
});

Deno.test("tx series: a long transaction keeps a bounded, coarser series over its whole length", () => {
  const s = new TxSeries(8);
  s.begin(1, mv(0));
  for (let n = 1; n <= 1000; n++) {
    s.add(1, mv(n));
    assert.ok(s.size(1) <= 8);
  }
  const kept = values(s.take(1, mv(1001)));
  assert.equal(kept[0], 0, "the beginning stays");
  assert.equal(kept.at(-1), 1001, "the end is there");
  assert.ok(kept.length >= 5 && kept.length <= 9);
  // Evenly spaced over the whole transaction: 1000 samples, halved to a stride of 256 at the 8th kept.
  assert.deepEqual(kept, [0, 256, 512, 768, 1001]);
  assert.equal(MAX_TX_SERIES, 64);
});
