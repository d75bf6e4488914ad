/**
 * Smart charging on the 1.6 simulator, driven by an independent strict central system (npm ocpp-rpc,
 * tests/ocpp_rpc_peer.ts), which checks every frame both ways against the OCA schemas: a TxProfile set
 * mid-transaction brings the reported power down at once, ClearChargingProfile brings it back, invalid
 * profiles are refused, a zero limit suspends the connector, the composite schedule states the limit,
 * and RemoteStartTransaction's profile governs its transaction. The StopTransaction carries the
 * StopTxnSampledData and StopTxnAlignedData series.
 */
import assert from "node:assert/strict";
import { startChargePoint } from "../charger/charge_point.ts";
import { validatePayload } from "../shared/ocpp/validate.ts";
import { type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";
import { waitFor } from "./wait.ts";

// deno-lint-ignore no-explicit-any
type Payload = any;

interface Received {
  action: string;
  params: Payload;
}

/** A strict 1.6 central system that answers a charger's messages and keeps them in arrival order. */
async function centralSystem() {
  const received: Received[] = [];
  let transactions = 500;
  const peer = await startPeerServer(["ocpp1.6"], (c) => {
    const keep = (action: string, answer: (p: Payload) => unknown) =>
      c.handle(action, ({ params }) => {
        received.push({ action, params });
        return answer(params);
      });
    keep(
      "BootNotification",
      () => ({ currentTime: new Date().toISOString(), interval: 300, status: "Accepted" }),
    );
    keep("StatusNotification", () => ({}));
    keep("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
    keep("Authorize", () => ({ idTagInfo: { status: "Accepted" } }));
    keep("StartTransaction", () => ({ transactionId: ++transactions, idTagInfo: { status: "Accepted" } }));
    keep("MeterValues", () => ({}));
    keep("StopTransaction", () => ({}));
  });
  return { peer, received };
}

const measurand = (p: Payload, name: string): number | undefined => {
  for (const mv of p.meterValue ?? []) {
    for (const sv of mv.sampledValue) if (sv.measurand === name) return Number(sv.value);
  }
  return undefined;
};
const contextOf = (p: Payload): string | undefined => p.meterValue?.[0]?.sampledValue?.[0]?.context;

Deno.test("smart charging against a strict 1.6 central system: limit, clear, refusals, composite, remote start", async () => {
  const { peer, received } = await centralSystem();
  const warnings: string[] = [];
  const limits: number[] = [];
  const cp = startChargePoint({
    id: "SMART-1",
    url: peer.url,
    powerKw: 11,
    batteryKwh: 100,
    soc: 20,
    tickMs: 200,
    config: {
      MeterValueSampleInterval: "2",
      MeterValuesSampledData:
        "Energy.Active.Import.Register,Power.Active.Import,Power.Offered,Current.Offered",
      ClockAlignedDataInterval: "1",
      StopTxnAlignedData: "Energy.Active.Import.Register",
      StopTxnSampledData: "Energy.Active.Import.Register,Power.Active.Import",
      ChargingScheduleMaxPeriods: "3",
    },
    onEvent: (e) => {
      if (e.type === "warning") warnings.push(String(e.message));
      if (e.type === "limit") limits.push(e.offeredW);
    },
  });
  let session: PeerSession | undefined;
  try {
    session = await peer.nextClient();
    const cs = session;
    const after = (from: number, what: string, match: (r: Received) => boolean) =>
      waitFor(() => received.slice(from).find(match), what);
    const meterAfter = (from: number, what: string, match: (p: Payload) => boolean) =>
      after(
        from,
        what,
        (r) => r.action === "MeterValues" && r.params.transactionId !== undefined && match(r.params),
      );
    const status = (s: string) => (r: Received) =>
      r.action === "StatusNotification" && r.params.connectorId === 1 && r.params.status === s;

    await after(0, "Available", status("Available"));
    // A TxProfile needs a running transaction.
    const tx = (limit: number, over: Payload = {}) => ({
      chargingProfileId: 7,
      stackLevel: 2,
      chargingProfilePurpose: "TxProfile",
      chargingProfileKind: "Relative",
      chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
      ...over,
    });
    assert.deepEqual(
      await cs.call("SetChargingProfile", { connectorId: 1, csChargingProfiles: tx(3_700) }),
      { status: "Rejected" },
    );

    assert.deepEqual(await cs.call("RemoteStartTransaction", { connectorId: 1, idTag: "SMART" }), {
      status: "Accepted",
    });
    const start = await after(0, "StartTransaction", (r) => r.action === "StartTransaction");
    const transactionId = 501;
    await after(0, "Charging", status("Charging"));
    const full = await meterAfter(
      0,
      "a periodic sample at full power",
      (p) => contextOf(p) === "Sample.Periodic" && measurand(p, "Power.Active.Import") === 11_000,
    );
    assert.equal(measurand(full.params, "Power.Offered"), 11_000);

    // Invalid profiles are refused and change nothing.
    const refused = [
      { connectorId: 1, csChargingProfiles: tx(3_700, { chargingProfilePurpose: "ChargePointMaxProfile" }) },
      { connectorId: 1, csChargingProfiles: tx(3_700, { stackLevel: 99 }) },
      { connectorId: 1, csChargingProfiles: tx(3_700, { transactionId: 4242 }) },
      { connectorId: 2, csChargingProfiles: tx(3_700) },
      {
        connectorId: 1,
        csChargingProfiles: tx(0, {
          chargingSchedule: {
            chargingRateUnit: "W",
            chargingSchedulePeriod: [0, 60, 120, 180].map((startPeriod) => ({ startPeriod, limit: 3_700 })),
          },
        }),
      },
    ];
    for (const req of refused) {
      assert.deepEqual(await cs.call("SetChargingProfile", req), { status: "Rejected" }, JSON.stringify(req));
    }
    assert.ok(warnings.some((w) => /ChargePointMaxProfile/.test(w)), warnings.join("\n"));
    assert.ok(warnings.some((w) => /ChargingScheduleMaxPeriods/.test(w)), warnings.join("\n"));

    // 3.7 kW mid-transaction: a MeterValues reports it at once, not at the next periodic sample.
    const beforeSet = received.length;
    assert.deepEqual(
      await cs.call("SetChargingProfile", {
        connectorId: 1,
        csChargingProfiles: tx(3_700, { transactionId }),
      }),
      { status: "Accepted" },
    );
    const limited = await meterAfter(beforeSet, "the limit's MeterValues", (p) => contextOf(p) === "Other");
    assert.ok(measurand(limited.params, "Power.Active.Import")! <= 3_700);
    assert.equal(measurand(limited.params, "Power.Offered"), 3_700);
    assert.equal(measurand(limited.params, "Current.Offered"), 5.4); // 3700 W over 3 x 230 V
    const nextPeriodic = received.length;
    const stillLimited = await meterAfter(
      nextPeriodic,
      "a periodic sample under the limit",
      (p) => contextOf(p) === "Sample.Periodic",
    );
    assert.ok(measurand(stillLimited.params, "Power.Active.Import")! <= 3_700);
    assert.ok(cp.snapshot().connectors[0].powerW <= 3_700);

    // The composite schedule states the same limit, in either unit, and is schema-valid both ways.
    const compositeW = await cs.call<Payload>("GetCompositeSchedule", { connectorId: 1, duration: 600 });
    assert.equal(validatePayload("ocpp1.6", "GetCompositeSchedule", "response", compositeW), undefined);
    assert.equal(compositeW.status, "Accepted");
    assert.equal(compositeW.chargingSchedule.duration, 600);
    assert.equal(compositeW.chargingSchedule.chargingRateUnit, "W");
    assert.deepEqual(compositeW.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 3_700 }]);
    const compositeA = await cs.call<Payload>("GetCompositeSchedule", {
      connectorId: 1,
      duration: 60,
      chargingRateUnit: "A",
    });
    assert.deepEqual(compositeA.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 5.4 }]);
    assert.deepEqual(await cs.call("GetCompositeSchedule", { connectorId: 5, duration: 60 }), {
      status: "Rejected",
    });

    // ClearChargingProfile brings full power back, again reported at once.
    const beforeClear = received.length;
    assert.deepEqual(await cs.call("ClearChargingProfile", { id: 7 }), { status: "Accepted" });
    const restored = await meterAfter(
      beforeClear,
      "the cleared limit's MeterValues",
      (p) => contextOf(p) === "Other",
    );
    assert.equal(measurand(restored.params, "Power.Active.Import"), 11_000);
    assert.deepEqual(await cs.call("ClearChargingProfile", { id: 7 }), { status: "Unknown" });

    // A zero limit suspends the connector; lifting it resumes charging.
    const beforeZero = received.length;
    assert.deepEqual(
      await cs.call("SetChargingProfile", {
        connectorId: 1,
        csChargingProfiles: tx(0, { chargingProfileId: 8 }),
      }),
      { status: "Accepted" },
    );
    await after(beforeZero, "SuspendedEVSE", status("SuspendedEVSE"));
    const beforeLift = received.length;
    assert.deepEqual(
      await cs.call("ClearChargingProfile", { connectorId: 1, chargingProfilePurpose: "TxProfile" }),
      {
        status: "Accepted",
      },
    );
    await after(beforeLift, "Charging again", status("Charging"));

    // The Stop carries the series: begin, periodic and clock-aligned samples, end.
    assert.deepEqual(await cs.call("RemoteStopTransaction", { transactionId }), { status: "Accepted" });
    const stop = await after(0, "StopTransaction", (r) => r.action === "StopTransaction");
    const data: Payload[] = stop.params.transactionData;
    const contexts = data.map((mv) => mv.sampledValue[0].context);
    assert.equal(contexts[0], "Transaction.Begin");
    assert.equal(contexts.at(-1), "Transaction.End");
    assert.ok(contexts.includes("Sample.Periodic"), contexts.join(","));
    assert.ok(contexts.includes("Sample.Clock"), contexts.join(","));
    assert.equal(Number(data[0].sampledValue[0].value), start.params.meterStart);
    assert.equal(Number(data.at(-1).sampledValue[0].value), stop.params.meterStop);
    const periodicPowers = data.filter((mv) => mv.sampledValue[0].context === "Sample.Periodic")
      .map((mv) => mv.sampledValue.find((sv: Payload) => sv.measurand === "Power.Active.Import")?.value);
    assert.ok(periodicPowers.every((v) => v !== undefined), "StopTxnSampledData's measurands are all there");

    // RemoteStartTransaction's profile becomes the new transaction's TxProfile.
    await after(
      0,
      "Available again",
      (r) => status("Available")(r) && received.indexOf(r) > received.indexOf(stop),
    );
    assert.deepEqual(
      await cs.call("RemoteStartTransaction", {
        connectorId: 1,
        idTag: "SMART",
        chargingProfile: tx(2_000, { chargingProfilePurpose: "TxDefaultProfile" }),
      }),
      { status: "Rejected" },
    );
    const beforeSecond = received.length;
    assert.deepEqual(
      await cs.call("RemoteStartTransaction", { connectorId: 1, idTag: "SMART", chargingProfile: tx(2_000) }),
      { status: "Accepted" },
    );
    const begin = await meterAfter(
      beforeSecond,
      "the second transaction's first reading",
      (p) => p.transactionId === 502 && contextOf(p) === "Transaction.Begin",
    );
    assert.equal(
      measurand(begin.params, "Power.Offered"),
      2_000,
      "the profile governs from the first reading",
    );
    const second = await meterAfter(
      beforeSecond,
      "the second transaction's periodic sample",
      (p) => p.transactionId === 502 && contextOf(p) === "Sample.Periodic",
    );
    assert.ok(measurand(second.params, "Power.Active.Import")! <= 2_000);
    // What the terminal tells: each offer as it changed (the zero limit, then full power again).
    assert.deepEqual(limits, [3_700, 11_000, 0, 11_000, 2_000]);
    assert.equal(measurand(second.params, "Power.Offered"), 2_000);
    const c2 = await cs.call<Payload>("GetCompositeSchedule", {
      connectorId: 1,
      duration: 120,
      chargingRateUnit: "W",
    });
    assert.deepEqual(c2.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 2_000 }]);
  } finally {
    await cp.stop();
    await peer.close();
  }
});

Deno.test("smart charging: the ChargePointMaxProfile is shared among charging connectors; a default on connector 0 applies to each", async () => {
  const { peer, received } = await centralSystem();
  const cp = startChargePoint({
    id: "SMART-2",
    url: peer.url,
    connectors: 2,
    powerKw: 11,
    batteryKwh: 100,
    tickMs: 200,
    config: {
      MeterValueSampleInterval: "2",
      MeterValuesSampledData: "Power.Active.Import,Power.Offered",
    },
  });
  try {
    const cs = await peer.nextClient();
    const after = (from: number, what: string, match: (r: Received) => boolean) =>
      waitFor(() => received.slice(from).find(match), what);
    const sampleOf = (connectorId: number, context: string) => (r: Received) =>
      r.action === "MeterValues" && r.params.connectorId === connectorId && contextOf(r.params) === context;
    await after(
      0,
      "connector 2 Available",
      (r) => r.action === "StatusNotification" && r.params.connectorId === 2,
    );
    // 16 A on three phases of 230 V: 11040 W for the whole charger.
    assert.deepEqual(
      await cs.call("SetChargingProfile", {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: 1,
          stackLevel: 0,
          chargingProfilePurpose: "ChargePointMaxProfile",
          chargingProfileKind: "Absolute",
          chargingSchedule: {
            startSchedule: new Date(Date.now() - 60_000).toISOString(),
            chargingRateUnit: "A",
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
          },
        },
      }),
      { status: "Accepted" },
    );
    assert.ok(await cp.startLocal(1, "ONE"));
    const alone = await after(0, "connector 1 charging alone", sampleOf(1, "Sample.Periodic"));
    assert.equal(measurand(alone.params, "Power.Offered"), 11_000, "one car: the connector's own maximum");
    const beforeSecond = received.length;
    assert.ok(await cp.startLocal(2, "TWO"));
    const shared = await after(beforeSecond, "connector 1's new share", sampleOf(1, "Other"));
    assert.equal(measurand(shared.params, "Power.Offered"), 5_520);
    assert.ok(measurand(shared.params, "Power.Active.Import")! <= 5_520);
    const second = await after(beforeSecond, "connector 2's sample", sampleOf(2, "Sample.Periodic"));
    assert.equal(measurand(second.params, "Power.Offered"), 5_520);
    const whole = await cs.call<Payload>("GetCompositeSchedule", {
      connectorId: 0,
      duration: 60,
      chargingRateUnit: "A",
    });
    assert.deepEqual(whole.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 16 }]);

    // A TxDefaultProfile on connector 0 limits each connector; its second period shows in the composite.
    const beforeDefault = received.length;
    assert.deepEqual(
      await cs.call("SetChargingProfile", {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: 2,
          stackLevel: 0,
          chargingProfilePurpose: "TxDefaultProfile",
          chargingProfileKind: "Relative",
          chargingSchedule: {
            chargingRateUnit: "W",
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 4_000 }, { startPeriod: 7_200, limit: 2_000 }],
          },
        },
      }),
      { status: "Accepted" },
    );
    for (const id of [1, 2]) {
      const limited = await after(beforeDefault, `connector ${id} under the default`, sampleOf(id, "Other"));
      assert.equal(measurand(limited.params, "Power.Offered"), 4_000);
    }
    const c1 = await cs.call<Payload>("GetCompositeSchedule", { connectorId: 1, duration: 86_400 });
    const periods = c1.chargingSchedule.chargingSchedulePeriod;
    assert.equal(periods.length, 2);
    assert.deepEqual(periods[0], { startPeriod: 0, limit: 4_000 });
    assert.equal(periods[1].limit, 2_000);
    // The second period begins 2 h after connector 1's transaction started, counted from the schedule's start.
    const started = received.find((r) => r.action === "StartTransaction" && r.params.connectorId === 1)!;
    const twoHoursOn = Date.parse(started.params.timestamp) + 7_200_000;
    assert.equal(periods[1].startPeriod, Math.ceil((twoHoursOn - Date.parse(c1.scheduleStart)) / 1000));
  } finally {
    await cp.stop();
    await peer.close();
  }
});
