/**
 * The storage contract's parts for what a charger reports beyond its sessions, checked the same way on
 * every engine: every reading of a meter value kept with its sample, and the configuration keys.
 */
import assert from "node:assert/strict";
import type { MeterSample } from "../../shared/domain.ts";
import type { CsmsStorage } from "../../shared/storage.ts";

const T1 = "2026-01-01T00:00:00.000Z";
const T2 = "2026-01-01T00:01:00.000Z";

export async function checkMeterReadingsContract(storage: CsmsStorage): Promise<void> {
  const id = "CP-READINGS";
  await (await storage.chargers.connected(id, "ocpp1.6", "node-a", T1)).durable;
  const samples: MeterSample[] = [
    {
      timestamp: T1,
      energyWh: 1500,
      readings: [
        { measurand: "Energy.Active.Import.Register", value: 1500, unit: "Wh" },
        { measurand: "Power.Offered", value: 11000, unit: "W" },
        {
          measurand: "Current.Import",
          value: 10,
          unit: "A",
          phase: "L1",
          location: "Outlet",
          context: "Trigger",
        },
      ],
    },
    // Only measurands the domain does not fold: a sample all the same.
    {
      timestamp: T2,
      readings: [{ measurand: "Temperature", value: 31.5, unit: "Celsius", location: "Body" }],
    },
    // One stored before readings were kept (or from a caller that has none).
    { timestamp: T2, powerW: 7000 },
  ];
  const written = await storage.meter.append(id, 1, undefined, samples, Date.parse(T2));
  await written.durable;
  const history = await storage.reads.meterHistory(id);
  assert.deepEqual(history.map(({ evseId: _, transactionId: __, ...s }) => s), samples);
  // The latest sample of the charger carries its readings too.
  await storage.meter.durable();
}

export async function checkConfigurationContract(storage: CsmsStorage): Promise<void> {
  const id = "CP-CONFIG";
  assert.deepEqual(await storage.reads.configuration(id), []);
  await (await storage.configuration.report(id, [
    { key: "MeterValueSampleInterval", value: "10", readonly: false, updatedAt: T1 },
    { key: "AuthorizationKey", readonly: false, updatedAt: T1 },
    { key: "NumberOfConnectors", value: "2", readonly: true, updatedAt: T1 },
  ], true)).durable;
  // A change of one key updates it and leaves the others.
  await (await storage.configuration.report(id, [
    { key: "MeterValueSampleInterval", value: "5", readonly: false, updatedAt: T2 },
  ], false)).durable;
  assert.deepEqual(await storage.reads.configuration(id), [
    { key: "AuthorizationKey", readonly: false, updatedAt: T1 },
    { key: "MeterValueSampleInterval", value: "5", readonly: false, updatedAt: T2 },
    { key: "NumberOfConnectors", value: "2", readonly: true, updatedAt: T1 },
  ]);
  // A complete list forgets what it no longer names; another charger's keys are its own.
  await (await storage.configuration.report("CP-OTHER", [
    { key: "HeartbeatInterval", value: "60", readonly: false, updatedAt: T1 },
  ], true)).durable;
  await (await storage.configuration.report(id, [
    { key: "HeartbeatInterval", value: "300", readonly: false, updatedAt: T2 },
  ], true)).durable;
  assert.deepEqual(await storage.reads.configuration(id), [
    { key: "HeartbeatInterval", value: "300", readonly: false, updatedAt: T2 },
  ]);
  assert.equal((await storage.reads.configuration("CP-OTHER"))[0].value, "60");
}

export async function checkEventLogQueryContract(storage: CsmsStorage): Promise<void> {
  const at = (i: number) => `2026-01-01T00:00:${String(i).padStart(2, "0")}.000Z`;
  const types = ["security.event", "charger.booted", "security.event", "data.transfer", "security_x"];
  types.forEach((type, i) => storage.appendEvent(i % 2 === 0 ? "CP-EV-A" : "CP-EV-B", type, at(i), { i }));
  const all = await storage.reads.eventLog({ limit: 100 });
  const mine = all.filter((e) => e.chargerId.startsWith("CP-EV-"));
  assert.deepEqual(mine.map((e) => e.type), types);
  const security = await storage.reads.eventLog({ typePrefix: "security." });
  assert.deepEqual(security.map((e) => (e.data as { i: number }).i), [0, 2]);
  const ofA = await storage.reads.eventLog({ chargerId: "CP-EV-A", typePrefix: "security." });
  assert.deepEqual(ofA.map((e) => e.at), [at(0), at(2)]);
  // Paging back: the newest page, then the one before its oldest entry.
  const page1 = await storage.reads.eventLog({ chargerId: "CP-EV-A", limit: 2 });
  assert.deepEqual(page1.map((e) => (e.data as { i: number }).i), [2, 4]);
  const page2 = await storage.reads.eventLog({ chargerId: "CP-EV-A", limit: 2, beforeId: page1[0].id });
  assert.deepEqual(page2.map((e) => (e.data as { i: number }).i), [0]);
}
