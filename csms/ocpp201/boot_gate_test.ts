import assert from "node:assert/strict";
import { BootGate, triggeredBy } from "./boot_gate.ts";

Deno.test("boot gate: everything is admitted before any boot and once Accepted", () => {
  const gate = new BootGate();
  assert.equal(gate.admits("StatusNotification"), true, "a reconnect without a reboot sends no boot");
  gate.answered("Accepted");
  for (const action of ["StatusNotification", "TransactionEvent", "NotifyEvent", "BootNotification"]) {
    assert.equal(gate.admits(action), true, action);
  }
});

Deno.test("boot gate: Rejected admits only BootNotification (B03.FR.07), even what was triggered", () => {
  const gate = new BootGate();
  gate.answered("Rejected");
  gate.sent("TriggerMessage", { requestedMessage: "StatusNotification" });
  assert.equal(gate.admits("BootNotification"), true);
  assert.equal(gate.admits("StatusNotification"), false);
  assert.equal(gate.admits("Heartbeat"), false);
});

Deno.test("boot gate: Pending admits what TriggerMessage, GetBaseReport and GetReport asked for (B02.FR.09)", () => {
  const gate = new BootGate();
  gate.answered("Pending");
  assert.equal(gate.admits("StatusNotification"), false);
  assert.equal(gate.admits("NotifyEvent"), false);
  assert.equal(gate.admits("NotifyReport"), false);
  gate.sent("TriggerMessage", { requestedMessage: "StatusNotification" });
  gate.sent("GetBaseReport", { requestId: 1, reportBase: "FullInventory" });
  gate.sent("GetVariables", { getVariableData: [] });
  assert.equal(gate.admits("StatusNotification"), true);
  assert.equal(gate.admits("NotifyReport"), true);
  assert.equal(gate.admits("Heartbeat"), false);
  assert.equal(gate.admits("NotifyEvent"), false);
  // A new boot answer starts over.
  gate.answered("Pending");
  assert.equal(gate.admits("StatusNotification"), false);
  gate.answered("Accepted");
  assert.equal(gate.admits("NotifyEvent"), true);
});

Deno.test("boot gate: what each request triggers", () => {
  assert.equal(triggeredBy("TriggerMessage", { requestedMessage: "SignV2GCertificate" }), "SignCertificate");
  assert.equal(
    triggeredBy("TriggerMessage", { requestedMessage: "MeterValues", evse: { id: 1 } }),
    "MeterValues",
  );
  assert.equal(triggeredBy("TriggerMessage", { requestedMessage: "toString" }), undefined);
  assert.equal(triggeredBy("GetReport", { requestId: 2 }), "NotifyReport");
  assert.equal(triggeredBy("Reset", { type: "Immediate" }), undefined);
});
