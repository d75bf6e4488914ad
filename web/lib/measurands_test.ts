import assert from "node:assert/strict";
import { formatReading, latestReadings } from "./measurands.ts";

Deno.test("measurands: the newest value per EVSE, measurand, phase and location, sorted", () => {
  const rows = latestReadings([
    {
      timestamp: "2026-01-01T00:00:10Z",
      evseId: 1,
      readings: [
        { measurand: "Power.Offered", value: 11000, unit: "W" },
        { measurand: "Current.Import", value: 10, unit: "A", phase: "L2" },
      ],
    },
    {
      timestamp: "2026-01-01T00:00:20Z",
      evseId: 1,
      readings: [
        { measurand: "Power.Offered", value: 3700, unit: "W" },
        { measurand: "Current.Import", value: 9, unit: "A", phase: "L1" },
      ],
    },
    {
      timestamp: "2026-01-01T00:00:05Z",
      evseId: 1,
      readings: [{ measurand: "Power.Offered", value: 1, unit: "W" }],
    },
    { timestamp: "2026-01-01T00:00:30Z", evseId: 0, powerW: 5 },
    {
      timestamp: "2026-01-01T00:00:30Z",
      evseId: 0,
      readings: [{ measurand: "Temperature", value: 30, unit: "Celsius", location: "Body" }],
    },
  ]);
  assert.deepEqual(rows.map((r) => [r.evseId, r.measurand, r.phase, r.value, r.at]), [
    [0, "Temperature", undefined, 30, "2026-01-01T00:00:30Z"],
    [1, "Current.Import", "L1", 9, "2026-01-01T00:00:20Z"],
    [1, "Current.Import", "L2", 10, "2026-01-01T00:00:10Z"],
    [1, "Power.Offered", undefined, 3700, "2026-01-01T00:00:20Z"],
  ]);
  assert.equal(rows[0].location, "Body");
});

Deno.test("measurands: values read with their unit", () => {
  assert.equal(formatReading(3700, "W"), "3700 W");
  assert.equal(formatReading(49.98765, "Hz"), "49.988 Hz");
  assert.equal(formatReading(0.97), "0.97");
});
