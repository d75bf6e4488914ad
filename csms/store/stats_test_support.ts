/** The aggregate part of the read model (energy per day, sessions per hour), checked the same way on every engine. */
import assert from "node:assert/strict";
import type { CsmsStorage, StartTransaction } from "../../shared/storage.ts";

const CHARGER = "CP-STATS";

async function start(storage: CsmsStorage, evseId: number, startedAt: string, meterStartWh: number) {
  const base: StartTransaction = {
    chargerId: CHARGER,
    evseId,
    connectorId: 1,
    idTag: "TAG-STATS",
    meterStartWh,
    startedAt,
    authStatus: "Accepted",
  };
  const written = await storage.transactions.start(base);
  await written.durable;
  return written.value.id;
}

async function stop(storage: CsmsStorage, id: number, stoppedAt: string, meterStopWh: number) {
  const outcome = await storage.transactions.stop({
    id,
    chargerId: CHARGER,
    meterStopWh,
    stoppedAt,
    reason: "Local",
  });
  assert.equal(outcome.kind, "stopped");
  if (outcome.kind === "stopped") await outcome.durable;
}

export async function checkStatsContract(storage: CsmsStorage): Promise<void> {
  await (await storage.chargers.connected(CHARGER, "ocpp1.6", "node-a", "2026-01-01T00:00:00.000Z")).durable;
  // Across midnight: started on the 1st, stopped on the 2nd: its energy counts on the 2nd, its start in
  // the 1st's 23:00 hour.
  const a = await start(storage, 1, "2026-01-01T23:30:00.000Z", 1000);
  await stop(storage, a, "2026-01-02T00:30:00.000Z", 8000);
  // An offset timestamp, 01:15 on the 3rd locally, is 23:15 UTC on the 2nd: grouped in UTC.
  const b = await start(storage, 1, "2026-01-03T01:15:00+02:00", 0);
  await stop(storage, b, "2026-01-03T01:45:00+02:00", 2500);
  // Two in the same hour; one of them still running, whose energy so far counts on its start day.
  const c = await start(storage, 2, "2026-01-02T23:05:00.000Z", 100);
  await stop(storage, c, "2026-01-02T23:55:00.000Z", 600);
  const d = await start(storage, 2, "2026-01-03T08:00:00Z", 5000);
  await (await storage.meter.append(
    CHARGER,
    2,
    d,
    [{ timestamp: "2026-01-03T08:10:00Z", energyWh: 5750 }],
    0,
  ))
    .durable;
  // Outside the range asked for: not counted.
  const e = await start(storage, 1, "2025-12-31T10:00:00.000Z", 0);
  await stop(storage, e, "2025-12-31T11:00:00.000Z", 99_000);

  const range = { from: "2026-01-01", to: "2026-01-03" };
  assert.deepEqual(await storage.reads.energyByDay(range), [
    { day: "2026-01-01", energyWh: 0, transactions: 0 },
    { day: "2026-01-02", energyWh: 7000 + 2500 + 500, transactions: 3 },
    { day: "2026-01-03", energyWh: 750, transactions: 1 },
  ]);
  const hours = await storage.reads.sessionsByHour(range);
  assert.equal(hours.length, 72);
  assert.deepEqual(hours.filter((h) => h.sessions > 0), [
    { hour: "2026-01-01T23", sessions: 1 },
    { hour: "2026-01-02T23", sessions: 2 },
    { hour: "2026-01-03T08", sessions: 1 },
  ]);
  // One day: only that day's rows, every hour of it.
  const one = await storage.reads.sessionsByHour({ from: "2025-12-31", to: "2025-12-31" });
  assert.deepEqual(one.filter((h) => h.sessions > 0), [{ hour: "2025-12-31T10", sessions: 1 }]);
  assert.deepEqual(await storage.reads.energyByDay({ from: "2025-12-31", to: "2025-12-31" }), [
    { day: "2025-12-31", energyWh: 99_000, transactions: 1 },
  ]);
}
