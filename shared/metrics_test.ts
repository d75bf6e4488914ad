import assert from "node:assert/strict";
import {
  actionLabel,
  energyDelivered,
  frameMeter,
  OTHER_ACTION,
  renderMetrics,
  storeCommits,
  trackChargers,
} from "./metrics.ts";

/** The value of one series in the rendered text, 0 when it is absent. */
function valueOf(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

Deno.test("metrics: an action is its own label only within its protocol's set; anything else is 'other'", () => {
  assert.equal(actionLabel("ocpp1.6", "Heartbeat"), "Heartbeat");
  assert.equal(actionLabel("ocpp1.6", "RemoteStartTransaction"), "RemoteStartTransaction");
  assert.equal(actionLabel("ocpp2.0.1", "TransactionEvent"), "TransactionEvent");
  assert.equal(
    actionLabel("ocpp1.6", "TransactionEvent"),
    OTHER_ACTION,
    "a 2.0.1 action on a 1.6 connection",
  );
  assert.equal(
    actionLabel("ocpp2.0.1", "StartTransaction"),
    OTHER_ACTION,
    "a 1.6 action on a 2.0.1 connection",
  );
  for (const made of ["CP-0001", "", "constructor", "toString", "__proto__", "Heartbeat ", "heartbeat"]) {
    assert.equal(actionLabel("ocpp1.6", made), OTHER_ACTION, JSON.stringify(made));
  }
  assert.equal(actionLabel("ocpp1.6", undefined), OTHER_ACTION);
});

Deno.test("metrics: made-up actions from a peer all land in one series and make no new ones", async () => {
  const meter = frameMeter("ocpp1.6");
  const before = (await renderMetrics()).body;
  const seriesBefore =
    before.split("\n").filter((l) => l.startsWith("chargewire_ocpp_messages_total{")).length;
  const other = 'chargewire_ocpp_messages_total{direction="in",action="other",protocol="ocpp1.6"}';
  const beat = 'chargewire_ocpp_messages_total{direction="in",action="Heartbeat",protocol="ocpp1.6"}';
  for (let i = 0; i < 1000; i++) meter.frame("in", `Made-Up-${i}`);
  meter.frame("in", "Heartbeat");
  meter.frame("in", "Heartbeat");
  meter.handled(`Made-Up-1`, 0.002);
  const after = (await renderMetrics()).body;
  assert.equal(valueOf(after, other) - valueOf(before, other), 1000);
  assert.equal(valueOf(after, beat) - valueOf(before, beat), 2);
  assert.ok(!after.includes("Made-Up"), "no made-up action in any label");
  const seriesAfter = after.split("\n").filter((l) => l.startsWith("chargewire_ocpp_messages_total{")).length;
  assert.ok(seriesAfter - seriesBefore <= 2, `${seriesAfter - seriesBefore} new series`);
  assert.ok(after.includes('chargewire_ocpp_handle_seconds_count{action="other",protocol="ocpp1.6"}'));
});

Deno.test("metrics: CALLERRORs are counted by direction and canonical code", async () => {
  const meter = frameMeter("ocpp2.0.1");
  const series = 'chargewire_ocpp_errors_total{direction="out",code="FormatViolation"}';
  const before = valueOf((await renderMetrics()).body, series);
  meter.error("out", "FormatViolation");
  meter.error("in", "NotImplemented");
  const after = (await renderMetrics()).body;
  assert.equal(valueOf(after, series) - before, 1);
  assert.ok(valueOf(after, 'chargewire_ocpp_errors_total{direction="in",code="NotImplemented"}') >= 1);
});

Deno.test("metrics: chargers connected are counted by protocol while a CSMS is tracked, 0 for a protocol with none", async () => {
  const name = "chargewire_chargers_connected";
  assert.ok(
    !(await renderMetrics()).body.split("\n").some((l) => l.startsWith(`${name}{`)),
    "no CSMS, no series",
  );
  const conns = [{ protocol: "ocpp1.6" }, { protocol: "ocpp1.6" }];
  const untrack = trackChargers(() => conns);
  try {
    const text = (await renderMetrics()).body;
    assert.equal(valueOf(text, `${name}{protocol="ocpp1.6"}`), 2);
    assert.ok(text.includes(`${name}{protocol="ocpp2.0.1"} 0`));
  } finally {
    untrack();
  }
});

Deno.test("metrics: energy adds only positive figures; commits are observed per engine", async () => {
  const before = (await renderMetrics()).body;
  energyDelivered(1500);
  energyDelivered(-20);
  energyDelivered(0);
  storeCommits("postgres").observe(0.004);
  const after = (await renderMetrics()).body;
  assert.equal(
    valueOf(after, "chargewire_energy_delivered_wh_total") -
      valueOf(before, "chargewire_energy_delivered_wh_total"),
    1500,
  );
  const count = 'chargewire_store_commit_seconds_count{engine="postgres"}';
  assert.equal(valueOf(after, count) - valueOf(before, count), 1);
});
