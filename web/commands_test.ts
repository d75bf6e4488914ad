import assert from "node:assert/strict";
import { MemoryBus } from "../shared/bus_memory.ts";
import { checkCommand, commandAuditDetail, runCommand } from "./commands.ts";

Deno.test("commands: malformed requests are refused before they reach the Bus", async () => {
  const bus = new MemoryBus();
  const cases: Array<[unknown, unknown, unknown, unknown, RegExp]> = [
    ["", "Reset", {}, undefined, /chargerId/],
    ["x".repeat(49), "Reset", {}, undefined, /chargerId/],
    ["CP", "FormatDisk", {}, undefined, /unknown command "FormatDisk"/],
    ["CP", "Reset", [], undefined, /payload must be a JSON object/],
    ["CP", "Reset", null, undefined, /payload/],
    ["CP", "Reset", {}, 5, /timeoutMs/],
  ];
  for (const [id, action, payload, timeout, why] of cases) {
    const result = await runCommand(bus, id, action, payload, timeout);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error === "invalid");
    assert.match(!result.ok ? result.message : "", why);
  }
  assert.equal(checkCommand("CP-1", "Reset", { type: "Soft" }, 5000), undefined);
  await bus.close();
});

Deno.test("commands: with no CSMS on the Bus the answer says so", async () => {
  const bus = new MemoryBus();
  const result = await runCommand(bus, "CP-1", "Reset", { type: "Soft" });
  assert.deepEqual(result.ok, false);
  assert.equal(!result.ok && result.error, "unavailable");
  await bus.close();
});

Deno.test("commands: the audit detail names the command and its outcome, never a secret value", () => {
  const key = "new-authorization-key-0123456";
  const detail = commandAuditDetail(
    "ChangeConfiguration",
    { key: "AuthorizationKey", value: key },
    { ok: true, response: { status: "Accepted" } },
  );
  assert.deepEqual(detail, {
    command: "ChangeConfiguration",
    payload: { key: "AuthorizationKey", value: "(omitted)" },
    result: "Accepted",
  });
  assert.ok(!JSON.stringify(detail).includes(key));
  assert.equal(
    commandAuditDetail("GetConfiguration", {}, { ok: true, response: { configurationKey: [] } }).result,
    "answered",
  );
  assert.equal(
    commandAuditDetail("Reset", { type: "Soft" }, { ok: false, error: "timeout", message: "no answer" })
      .result,
    "timeout",
  );
});
