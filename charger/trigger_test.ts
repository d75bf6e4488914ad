import assert from "node:assert/strict";
import { sendTriggered, triggerTargets } from "./trigger.ts";

Deno.test("trigger: a named connector, or every connector and the charge point itself", () => {
  assert.deepEqual(triggerTargets(2, 3), [2]);
  assert.deepEqual(triggerTargets(0, 3), [0]);
  assert.deepEqual(triggerTargets(undefined, 3), [0, 1, 2, 3]);
  assert.equal(triggerTargets(4, 3), undefined);
  assert.equal(triggerTargets(-1, 3), undefined);
});

Deno.test("trigger: each requested message is sent once per target where it is per connector", () => {
  const sent: string[] = [];
  const host = {
    boot: () => Promise.resolve(void sent.push("boot")),
    heartbeat: () => void sent.push("heartbeat"),
    sendStatus: (id: number) => void sent.push(`status ${id}`),
    sample: (id: number, context: string) => void sent.push(`sample ${id} ${context}`),
    fire: (action: string, payload: unknown) => void sent.push(`${action} ${JSON.stringify(payload)}`),
    firmwareStatus: () => "Idle" as const,
    diagnosticsStatus: () => "Uploading" as const,
  };
  sendTriggered("StatusNotification", [0, 1], host);
  sendTriggered("MeterValues", [1], host);
  sendTriggered("Heartbeat", [0, 1], host);
  sendTriggered("BootNotification", [0, 1], host);
  sendTriggered("FirmwareStatusNotification", [0, 1], host);
  sendTriggered("DiagnosticsStatusNotification", [0, 1], host);
  assert.deepEqual(sent, [
    "status 0",
    "status 1",
    "sample 1 Trigger",
    "heartbeat",
    "boot",
    'FirmwareStatusNotification {"status":"Idle"}',
    // The current state, whatever it is.
    'DiagnosticsStatusNotification {"status":"Uploading"}',
  ]);
});
