import assert from "node:assert/strict";
import { assignProtocols, mixCounts, parseMix } from "./ocpp_mix.ts";

Deno.test("ocpp mix: parses shares that sum to 100", () => {
  assert.deepEqual(parseMix("1.6=70,2.0.1=30"), [
    { protocol: "1.6", percent: 70 },
    { protocol: "2.0.1", percent: 30 },
  ]);
  assert.deepEqual(parseMix(" 2.0.1 = 100 "), [{ protocol: "2.0.1", percent: 100 }]);
});

Deno.test("ocpp mix: bad values are one-line errors", () => {
  for (
    const [text, message] of [
      ["1.6=70,2.0.1=20", /sum to 100 \(got 90\)/],
      ["1.5=50,2.0.1=50", /unknown protocol "1.5"/],
      ["1.6=50,1.6=50", /names 1.6 twice/],
      ["1.6", /takes PROTOCOL=PERCENT/],
      ["1.6=-10,2.0.1=110", /takes PROTOCOL=PERCENT/],
      ["1.6=x", /takes PROTOCOL=PERCENT/],
      ["", /takes PROTOCOL=PERCENT/],
    ] as const
  ) {
    assert.throws(() => parseMix(text), (e: Error) => message.test(e.message) && !e.message.includes("\n"));
  }
});

Deno.test("ocpp mix: counts follow the shares by largest remainder and fill the fleet in blocks", () => {
  const shares = parseMix("1.6=70,2.0.1=30");
  assert.deepEqual(mixCounts(shares, 10), [7, 3]);
  assert.deepEqual(mixCounts(shares, 1), [1, 0]);
  assert.deepEqual(mixCounts(shares, 5), [4, 1]);
  assert.deepEqual(mixCounts(parseMix("1.6=50,2.0.1=50"), 3), [2, 1]);
  for (let n = 1; n <= 200; n++) assert.equal(mixCounts(shares, n).reduce((a, b) => a + b, 0), n);
  assert.deepEqual(assignProtocols(shares, 4), ["1.6", "1.6", "1.6", "2.0.1"]);
});
