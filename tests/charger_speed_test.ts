/**
 * `speed`: two chargers side by side against a central system over real WebSockets, one in real time
 * and one N times as fast. Their own reports say how fast each lives: the periodic samples per second
 * and the energy per second, both measured on the samples' OCPP timestamps, which stay on the wall
 * clock. Ratios, not durations: a loaded machine slows both alike.
 */
import assert from "node:assert/strict";
import { startChargePoint } from "../charger/mod.ts";
import { fastCharger, measurand, type Received, TestCsms } from "./charger_csms.ts";

const N = 4;

/** Periodic samples per wall-clock second, and Wh per wall-clock second, between the first and the last. */
function rates(samples: Received[]): { perS: number; whPerS: number } {
  const at = (m: Received) => Date.parse(m.payload.meterValue[0].timestamp);
  const wh = (m: Received) => measurand(m.payload, "Energy.Active.Import.Register")!;
  const first = samples[0];
  const last = samples.at(-1)!;
  const spanS = (at(last) - at(first)) / 1000;
  return { perS: (samples.length - 1) / spanS, whPerS: (wh(last) - wh(first)) / spanS };
}

Deno.test(`a charger at speed ${N} samples ${N} times as often and charges ${N} times as fast; timestamps stay real`, async () => {
  const csms = new TestCsms();
  // A big battery at high power: the energy register (whole Wh) moves a lot, and no taper is reached.
  const car = {
    powerKw: 100,
    batteryKwh: 1000,
    soc: 10,
    tickMs: 250,
    config: { MeterValueSampleInterval: "2" },
  };
  const t0 = Date.now();
  const real = startChargePoint(fastCharger(csms, { id: "CP-SPEED-1", ...car }));
  const fast = startChargePoint(fastCharger(csms, { id: "CP-SPEED-N", ...car, speed: N }));
  const periodic = (id: string) =>
    csms.of(id, "MeterValues").filter((m) =>
      m.payload.transactionId !== undefined &&
      m.payload.meterValue[0].sampledValue[0].context === "Sample.Periodic"
    );
  try {
    for (const id of ["CP-SPEED-1", "CP-SPEED-N"]) {
      await csms.next(id, "StatusNotification", (p) => p.connectorId === 1 && p.status === "Available");
    }
    for (const id of ["CP-SPEED-1", "CP-SPEED-N"]) {
      assert.deepEqual(await csms.call(id, "RemoteStartTransaction", { connectorId: 1, idTag: "SPEED" }), {
        status: "Accepted",
      });
    }
    await csms.until("five periodic samples in real time", () => periodic("CP-SPEED-1").length >= 5, 60_000);
    // Both measured over the same stretch of wall-clock time.
    const from = periodic("CP-SPEED-1")[0].seq;
    const to = periodic("CP-SPEED-1").at(-1)!.seq;
    const slow = rates(periodic("CP-SPEED-1").filter((m) => m.seq >= from && m.seq <= to));
    const quick = rates(periodic("CP-SPEED-N").filter((m) => m.seq >= from && m.seq <= to));
    const often = quick.perS / slow.perS;
    const faster = quick.whPerS / slow.whPerS;
    assert.ok(
      often > N * 0.7 && often < N * 1.3,
      `samples ${often.toFixed(2)} times as often, expected ${N}`,
    );
    assert.ok(
      faster > N * 0.9 && faster < N * 1.1,
      `energy ${faster.toFixed(2)} times as fast, expected ${N}`,
    );
    // Power is power: the faster clock changes time, not watts.
    for (const id of ["CP-SPEED-1", "CP-SPEED-N"]) {
      assert.equal(measurand(periodic(id).at(-1)!.payload, "Power.Active.Import"), 100_000);
    }
    // Every timestamp is wall-clock time: none ran ahead with the simulation.
    const stamps = csms.of("CP-SPEED-N", "MeterValues").map((m) =>
      Date.parse(m.payload.meterValue[0].timestamp)
    );
    assert.ok(stamps.every((t) => t >= t0 && t <= Date.now()), `timestamps ${stamps.join(", ")}`);
    // The state of charge agrees with the energy: a simulated hour at 100 kW is 10 % of 1000 kWh.
    const snap = fast.snapshot().connectors[0];
    assert.ok(Math.abs(snap.socPct! - (10 + snap.energyWh / 10_000)) < 0.01, JSON.stringify(snap));
  } finally {
    await real.stop();
    await fast.stop();
    await csms.close();
  }
});

Deno.test("at speed 10 the driver's walk to the cable is ten times shorter: the fast charger is free first", async () => {
  const csms = new TestCsms();
  const o = { unplugDelayMs: 4_000, config: { MeterValueSampleInterval: "0" } };
  const real = startChargePoint(fastCharger(csms, { id: "CP-WALK-1", ...o }));
  const fast = startChargePoint(fastCharger(csms, { id: "CP-WALK-10", ...o, speed: 10 }));
  try {
    for (const cp of [real, fast]) {
      await csms.next(cp.id, "StatusNotification", (p) => p.connectorId === 1 && p.status === "Available");
      assert.equal(await cp.startLocal(1, "WALK"), true);
      await csms.next(cp.id, "StatusNotification", (p) => p.status === "Charging");
    }
    const from = csms.lastSeq;
    // The real-time driver leaves first, so only the speed can make the other one's cable come out first.
    assert.equal(real.stopLocal(1), true);
    assert.equal(fast.stopLocal(1), true);
    const freed = (id: string) => csms.next(id, "StatusNotification", (p) => p.status === "Available", from);
    const [slowFree, fastFree] = [await freed("CP-WALK-1"), await freed("CP-WALK-10")];
    assert.ok(
      fastFree.seq < slowFree.seq,
      "the fast charger's connector is Available before the real-time one's",
    );
  } finally {
    await real.stop();
    await fast.stop();
    await csms.close();
  }
});
