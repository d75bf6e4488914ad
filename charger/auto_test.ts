import assert from "node:assert/strict";
import { type AutoAction, AutoDrivers, AutoPilot, type AutoTiming } from "./auto.ts";
import type { ConnectorPhase } from "./connector.ts";
import { deriveSeed, seededRng } from "./random.ts";
import { SimClock } from "./sim_clock.ts";

const timing: AutoTiming = { idleS: [2, 5], chargeS: [3, 8], arrivalSocPct: [10, 70], idTags: 5 };

/** Drives a pilot against a connector that does what it is told, for `seconds`, in ticks of `dt`. */
function run(seed: number, seconds: number, dt: number): string[] {
  const pilot = new AutoPilot(seededRng(seed), timing);
  let phase: ConnectorPhase = "idle";
  const log: string[] = [];
  for (let t = 0; t < seconds; t += dt) {
    const a: AutoAction | undefined = pilot.step(phase, dt);
    if (!a) continue;
    log.push(a.type === "arrive" ? `arrive ${a.idTag} ${a.socPct}` : `leave ${a.how}`);
    phase = a.type === "arrive" ? "charging" : "idle";
  }
  return log;
}

Deno.test("auto: the same seed replays the same sessions, whatever the tick length", () => {
  const a = run(42, 200, 1);
  assert.ok(a.length >= 10, `expected sessions, got ${a.length}`);
  // Decisions come from draws, not from tick timing: half-second ticks give the same sequence.
  assert.deepEqual(run(42, 200, 0.5).slice(0, 8), a.slice(0, 8));
  assert.notDeepEqual(run(43, 200, 1), a);
});

Deno.test("auto: arrivals stay within the configured state of charge and badge pool", () => {
  for (const line of run(7, 500, 1).filter((l) => l.startsWith("arrive"))) {
    const [, tag, soc] = line.split(" ");
    assert.match(tag, /^AUTO-000[1-5]$/);
    assert.ok(Number(soc) >= 10 && Number(soc) <= 70);
  }
});

Deno.test("auto: a refused arrival or a session ended elsewhere sends the driver back to waiting", () => {
  const pilot = new AutoPilot(seededRng(1), timing);
  let a: AutoAction | undefined;
  for (let i = 0; i < 10 && !a; i++) a = pilot.step("idle", 1);
  assert.equal(a?.type, "arrive");
  // Authorization refused: the connector is idle again.
  assert.equal(pilot.step("idle", 1), undefined);
  assert.ok(pilot.countdownS >= 2 && pilot.countdownS <= 5);
  // While a remote session uses the connector, the driver does not arrive.
  for (let i = 0; i < 20; i++) assert.equal(pilot.step("charging", 1), undefined);
});

Deno.test("auto: derived seeds differ per stream and are stable", () => {
  assert.equal(deriveSeed(1, 2, 3), deriveSeed(1, 2, 3));
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(deriveSeed(1, i, 1));
  assert.equal(seen.size, 1000);
});

Deno.test("auto: at speed N the drivers live N times as fast: the same sessions in 1/N of the wall time", () => {
  /** Steps a one-connector driver set for `wallS` wall seconds in ticks of `tickS`; logs what it does. */
  const drive = (clock: SimClock, wallS: number, tickS: number) => {
    const drivers = new AutoDrivers(timing, 9, 0, 1, clock);
    let phase: ConnectorPhase = "idle";
    const log: string[] = [];
    for (let t = tickS; t <= wallS; t += tickS) {
      drivers.step(t * 1000, () => phase, (_, a) => {
        log.push(`${t * clock.speed} ${a.type === "arrive" ? `arrive ${a.idTag}` : `leave ${a.how}`}`);
        phase = a.type === "arrive" ? "charging" : "idle";
      });
    }
    return log;
  };
  // Ten times as fast with one-second ticks is real time with ten-second ticks: the same sessions at
  // the same simulated moments, in a tenth of the wall time.
  const real = drive(new SimClock(1), 400, 10);
  assert.ok(real.length >= 8, `expected sessions, got ${real.length}`);
  assert.deepEqual(drive(new SimClock(10), 40, 1), real);
  assert.ok(drive(new SimClock(1), 40, 1).length < real.length / 2, "in real time, far fewer");
});
