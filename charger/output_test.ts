import assert from "node:assert/strict";
import type { ChargePointSnapshot } from "./charge_point.ts";
import { summarize } from "./fleet.ts";
import { createOutput, formatEvent, formatLive, formatSummary } from "./output.ts";

const snap: ChargePointSnapshot = {
  id: "CP-1",
  protocol: "1.6",
  online: true,
  registration: "Accepted",
  connectors: [
    {
      connectorId: 1,
      status: "Charging",
      errorCode: "NoError",
      transactionId: 7,
      socPct: 45.26,
      powerW: 11_000,
      energyWh: 2_500,
      sessionWh: 1_234,
    },
    { connectorId: 2, status: "Available", errorCode: "NoError", powerW: 0, energyWh: 0 },
  ],
  queued: 0,
  framesIn: 10,
  framesOut: 12,
};

Deno.test("output: the live line shows status, SoC, power and energy per connector", () => {
  assert.equal(formatLive(snap), "CP-1 online | #1 Charging SoC 45.3% 11.0 kW 1.234 kWh | #2 Available");
  assert.equal(
    formatLive({ ...snap, online: false, queued: 3, connectors: [] }),
    "CP-1 offline |  | 3 queued",
  );
});

Deno.test("output: events read as sentences; json mode writes one object per line", () => {
  const at = Date.UTC(2025, 0, 1, 12, 0, 0);
  assert.equal(
    formatEvent({ type: "boot", status: "Accepted", interval: 60, chargerId: "CP-1", at }),
    "12:00:00 CP-1 boot Accepted (heartbeat every 60 s)",
  );
  assert.equal(
    formatEvent({ type: "limit", connectorId: 1, offeredW: 3_700, maxW: 11_000, chargerId: "CP-1", at }),
    "12:00:00 CP-1 connector 1 offered 3.7 kW (charging profile limit)",
  );
  assert.equal(
    formatEvent({ type: "limit", connectorId: 1, offeredW: 11_000, maxW: 11_000, chargerId: "CP-1", at }),
    "12:00:00 CP-1 connector 1 offered 11.0 kW (no limit)",
  );
  const lines: string[] = [];
  const out = createOutput({ mode: "json", fleet: false, tty: false, write: (t) => lines.push(t) });
  out.event({
    type: "status",
    connectorId: 1,
    status: "Charging",
    errorCode: "NoError",
    chargerId: "CP-1",
    at,
  });
  out.live(snap);
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [
    {
      at: "2025-01-01T12:00:00.000Z",
      charger: "CP-1",
      type: "status",
      connectorId: 1,
      status: "Charging",
      errorCode: "NoError",
    },
  ]);
});

Deno.test("output: pretty mode on a terminal redraws the live line in place; off one, prints it when it changes", () => {
  const tty: string[] = [];
  const o = createOutput({ mode: "pretty", fleet: false, tty: true, write: (t) => tty.push(t) });
  o.live(snap);
  o.live(snap);
  assert.deepEqual(tty.slice(-2), ["\r\x1b[2K", formatLive(snap)]);
  const file: string[] = [];
  const f = createOutput({ mode: "pretty", fleet: false, tty: false, write: (t) => file.push(t) });
  f.live(snap);
  f.live({ ...snap, connectors: [{ ...snap.connectors[0], socPct: 46 }, snap.connectors[1]] });
  f.live({ ...snap, connectors: [{ ...snap.connectors[0], status: "SuspendedEV" }, snap.connectors[1]] });
  assert.equal(file.length, 2, "the SoC tick alone is not a new line, the status change is");
});

Deno.test("output: a fleet summary counts statuses, sessions, power and energy", () => {
  const s = summarize([snap, { ...snap, id: "CP-2", online: false, registration: "none" }]);
  assert.equal(s.chargers, 2);
  assert.equal(s.online, 1);
  assert.equal(s.accepted, 1);
  assert.deepEqual(s.byStatus, { Charging: 2, Available: 2 });
  assert.equal(s.transactions, 2);
  assert.equal(s.powerW, 22_000);
  assert.match(
    formatSummary(s, Date.UTC(2025, 0, 1)),
    /fleet 2: 1 online, 1 accepted \| Available 2, Charging 2 \| 2 charging sessions, 22\.0 kW/,
  );
});
