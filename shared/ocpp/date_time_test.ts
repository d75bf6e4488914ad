import assert from "node:assert/strict";
import fc from "fast-check";
import { isPlainDateTime } from "./date_time.ts";
import { rfc3339DateTime, validatePayload } from "./validate.ts";

Deno.test("date-time fast path: the shapes chargers send", () => {
  for (
    const ok of [
      "2026-01-01T00:00:00Z",
      "2024-02-29T23:59:59.123456Z",
      "2026-12-31T12:30:00+01:00",
      "2026-06-15T08:00:00.5-05:30",
      "2026-06-15T08:00:00z",
    ]
  ) assert.equal(isPlainDateTime(ok), true, ok);
});

Deno.test("date-time fast path: leaves everything else to ajv-formats, which keeps its answer", () => {
  for (
    const [text, rfc] of [
      ["2025-02-29T00:00:00Z", false], // not a leap year
      ["2026-13-01T00:00:00Z", false],
      ["2026-04-31T00:00:00Z", false],
      ["2026-01-01T24:00:00Z", false],
      ["2026-01-01T00:00:00", false], // no offset
      ["2026-01-01T00:00:00.Z", false],
      ["2026-01-01T00:00:00+24:00", false],
      ["2026-01-01T00:00:00Z ", false],
      ["2026-01-01 00:00:00Z", true], // RFC 3339 allows a space
      ["2026-01-01t00:00:00Z", true],
      ["2026-01-01T00:00:00+0100", true],
      ["2016-12-31T23:59:60Z", true], // a leap second
    ] as const
  ) {
    assert.equal(isPlainDateTime(text), false, text);
    assert.equal(rfc3339DateTime.validate(text), rfc, text);
  }
});

/** Texts near the date-time shape: each character drawn from what a date-time is made of. */
const nearDateTime = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."0123456789-:.TtZz+ 5"), minLength: 18, maxLength: 30 }),
  fc.record({
    y: fc.integer({ min: 0, max: 9999 }),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 60 }),
    s: fc.integer({ min: 0, max: 61 }),
    frac: fc.constantFrom("", ".", ".5", ".123456"),
    tz: fc.constantFrom("Z", "z", "", "+01:00", "-23:59", "+24:00", "+01:60", "+0100", "+01"),
    sep: fc.constantFrom("T", "t", " "),
  }).map(({ y, mo, d, h, mi, s, frac, tz, sep }) => {
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${p(y, 4)}-${p(mo)}-${p(d)}${sep}${p(h)}:${p(mi)}:${p(s)}${frac}${tz}`;
  }),
);

Deno.test("date-time fast path: never says yes where ajv-formats says no", () => {
  fc.assert(
    fc.property(nearDateTime, (text) => !isPlainDateTime(text) || rfc3339DateTime.validate(text)),
    { numRuns: 20_000 },
  );
});

Deno.test("date-time: a schema's format check answers exactly as ajv-formats does", () => {
  fc.assert(
    fc.property(nearDateTime, (text) => {
      const failure = validatePayload("ocpp1.6", "MeterValues", "request", {
        connectorId: 1,
        meterValue: [{ timestamp: text, sampledValue: [{ value: "1" }] }],
      });
      return (failure === undefined) === rfc3339DateTime.validate(text);
    }),
    { numRuns: 5_000 },
  );
});
