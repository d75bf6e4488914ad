/**
 * Many simulated chargers in one process against one central system over
 * real WebSockets, and the automatic session generator's reproducibility.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { startFleet } from "../charger/mod.ts";
import { TestCsms } from "./charger_csms.ts";

const FLEET = 200;

Deno.test(`a fleet of ${FLEET} chargers in one process registers, heartbeats and charges`, async () => {
  const csms = new TestCsms({ interval: () => 2 });
  const cpu0 = process.cpuUsage();
  const rss0 = Deno.memoryUsage().rss;
  const t0 = performance.now();
  const fleet = startFleet({
    url: csms.url,
    count: FLEET,
    idPrefix: "FL-",
    tickMs: 200,
    backoff: { initialMs: 100, maxMs: 1_000 },
    config: { MeterValueSampleInterval: "1" },
  });
  try {
    assert.equal(fleet.chargers[0].id, "FL-001");
    assert.equal(fleet.chargers[FLEET - 1].id, "FL-200");
    const availableIds = () =>
      new Set(
        csms.received.filter((r) => r.action === "StatusNotification" && r.payload.connectorId === 1)
          .map((r) => r.chargerId),
      );
    await csms.until(
      `${FLEET} chargers registered and Available`,
      () => availableIds().size === FLEET,
      60_000,
    );
    const registeredMs = performance.now() - t0;
    assert.equal(csms.connectedCount(), FLEET);
    assert.equal(fleet.summary().accepted, FLEET);
    assert.equal(fleet.summary().byStatus.Available, FLEET);

    // A quarter of the fleet charges.
    const charging = fleet.chargers.slice(0, FLEET / 4).map((c) => c.id);
    const answers = await Promise.all(
      charging.map((id) => csms.call(id, "RemoteStartTransaction", { idTag: "FLEET" })),
    );
    assert.ok(answers.every((a) => a.status === "Accepted"));
    await csms.until("every charging charger meters", () => {
      // A periodic sample, taken while charging (the Begin one is read before any power flows).
      const metering = new Set(
        csms.received.filter((r) =>
          r.action === "MeterValues" && r.payload.meterValue[0].sampledValue[0].context === "Sample.Periodic"
        ).map((r) => r.chargerId),
      );
      return charging.every((id) => metering.has(id));
    }, 60_000);
    const s = fleet.summary();
    assert.equal(s.transactions, FLEET / 4);
    assert.equal(s.byStatus.Charging, FLEET / 4);
    assert.ok(s.powerW > 0 && s.powerW <= (FLEET / 4) * 11_000 + 1);
    // One shared clock drives everyone's heartbeat.
    await csms.until("every charger heartbeats twice", () => {
      const beats = new Map<string, number>();
      for (const r of csms.received) {
        if (r.action === "Heartbeat") beats.set(r.chargerId, (beats.get(r.chargerId) ?? 0) + 1);
      }
      return beats.size === FLEET && [...beats.values()].every((n) => n >= 2);
    }, 60_000);
    const cpu = process.cpuUsage(cpu0);
    const elapsed = performance.now() - t0;
    console.log(
      `fleet of ${FLEET} (simulator and test central system in one process): all registered in ${
        Math.round(registeredMs)
      } ms; over ${(elapsed / 1000).toFixed(1)} s: CPU ${
        ((cpu.user + cpu.system) / 1000 / elapsed * 100).toFixed(0)
      } %` +
        ` of one core, RSS +${
          ((Deno.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)
        } MiB, ${csms.received.length} CALLs received`,
    );
  } finally {
    await fleet.stop();
    await csms.until("every connection closed", () => csms.connectedCount() === 0);
    await csms.close();
  }
});

/** The idTag of each charger's first automatic session. */
async function firstAutoSessions(seed: number): Promise<Map<string, string>> {
  const csms = new TestCsms();
  const fleet = startFleet({
    url: csms.url,
    count: 8,
    idPrefix: "AU-",
    seed,
    tickMs: 100,
    unplugDelayMs: 100,
    auto: { idleS: [1, 2], chargeS: [1, 2], idTags: 9999 },
  });
  try {
    await csms.until("every charger's first automatic session", () => {
      const started = new Set(
        csms.received.filter((r) => r.action === "StartTransaction").map((r) => r.chargerId),
      );
      return started.size === 8;
    });
    await csms.until(
      "sessions end by themselves",
      () => csms.received.some((r) => r.action === "StopTransaction"),
    );
    const stops = csms.received.filter((r) => r.action === "StopTransaction");
    assert.ok(stops.every((r) => r.payload.reason === "Local" || r.payload.reason === "EVDisconnected"));
    const first = new Map<string, string>();
    for (const r of csms.received) {
      if (r.action === "StartTransaction" && !first.has(r.chargerId)) first.set(r.chargerId, r.payload.idTag);
    }
    for (const tag of first.values()) assert.match(tag, /^AUTO-\d{4}$/);
    // Local starts are authorized first, as a driver's badge would be.
    assert.ok(csms.received.some((r) => r.action === "Authorize"));
    return first;
  } finally {
    await fleet.stop();
    await csms.close();
  }
}

Deno.test("--auto generates sessions on its own, and the same seed replays them", async () => {
  const a = await firstAutoSessions(7);
  const b = await firstAutoSessions(7);
  const c = await firstAutoSessions(8);
  assert.deepEqual([...a.entries()].sort(), [...b.entries()].sort());
  assert.notDeepEqual([...a.entries()].sort(), [...c.entries()].sort());
});
