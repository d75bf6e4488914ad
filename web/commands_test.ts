import assert from "node:assert/strict";
import { MemoryBus } from "../shared/bus_memory.ts";
import { checkCommand, commandAuditDetail, runCommand } from "./commands.ts";

Deno.test("commands: malformed requests are refused before they reach the Bus", async () => {
  const bus = new MemoryBus();
  const cases: Array<[unknown, unknown, unknown, unknown, RegExp]> = [
    ["", "Reset", {}, undefined, /chargerId/],
    ["x".repeat(49), "Reset", {}, undefined, /chargerId/],
    ["CP", "", {}, undefined, /action must be a command name of 1 to 64/],
    ["CP", "x".repeat(65), {}, undefined, /action/],
    ["CP", 7, {}, undefined, /action/],
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
  // Which actions a charger takes is its protocol's business: the CSMS decides, not the portal.
  assert.equal(checkCommand("CP-1", "FormatDisk", {}), undefined);
  assert.equal(checkCommand("CP-1", "x".repeat(64), {}), undefined);
  await bus.close();
});

Deno.test("commands: a well-formed request reaches the CSMS with its action and payload as given", async () => {
  const bus = new MemoryBus();
  const seen: unknown[] = [];
  bus.serveCommands((req) => {
    seen.push([req.chargerId, req.action, req.payload, req.timeoutMs]);
    return Promise.resolve({
      ok: false,
      error: "invalid",
      message: `${req.action} is no command of ocpp1.6`,
    });
  });
  const result = await runCommand(bus, "CP-1", "FormatDisk", { all: true }, 2000);
  assert.deepEqual(result, { ok: false, error: "invalid", message: "FormatDisk is no command of ocpp1.6" });
  assert.deepEqual(seen, [["CP-1", "FormatDisk", { all: true }, 2000]]);
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
