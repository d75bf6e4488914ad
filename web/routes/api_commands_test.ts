/**
 * REST commands' HTTP status (docs/api.md, "Commands over HTTP") for what needs no live charger, in memory
 * (web/testing/app_harness.ts): `?timeoutMs` outside 1000..120000 is 400 with nothing sent, a charger that
 * is not connected is 409 `offline` (the CSMS's real command handler says so), and 503 `unavailable` once
 * the CSMS no longer serves commands. The statuses of a charger's answers (200, 502, 504, and 400 for a
 * payload the CSMS refuses) are tested end to end in tests/web_command_status_test.ts.
 */
import assert from "node:assert/strict";
import { startApp } from "../testing/app_harness.ts";

Deno.test("REST commands in memory: 400 for ?timeoutMs, 409 offline, 503 unavailable", async (t) => {
  const sys = await startApp();
  const id = "CP-STATUS-1";
  try {
    const operator = await (await sys.login()).addUser("oscar", "operator");
    const command = (action: string, payload: unknown, query = "", chargerId = id) =>
      operator.json("POST", `/api/v1/chargers/${chargerId}/commands/${action}${query}`, payload);
    const requested = () => sys.events.filter((e) => e.type === "command.requested").length;

    await t.step("400: ?timeoutMs out of range; nothing sent", async () => {
      const before = requested();
      for (
        const query of [
          "?timeoutMs=10",
          "?timeoutMs=999",
          "?timeoutMs=120001",
          "?timeoutMs=",
          "?timeoutMs=abc",
        ]
      ) {
        const res = await command("ClearCache", {}, query);
        assert.equal(res.status, 400, `${query}: ${JSON.stringify(res)}`);
        assert.equal(res.body.ok, false);
        assert.equal(res.body.error, "invalid");
        assert.match(res.body.message, /timeoutMs/);
      }
      // The portal refused the timeouts before the Bus.
      assert.equal(requested(), before);
    });

    await t.step("409 offline: no such charger connected", async () => {
      const res = await command("ClearCache", {}, "", "CP-STATUS-NONE");
      assert.equal(res.status, 409, JSON.stringify(res));
      assert.equal(res.body.error, "offline");
    });

    await t.step("503 unavailable: the CSMS no longer serves commands", async () => {
      sys.stopServingCommands();
      const res = await command("ClearCache", {});
      assert.equal(res.status, 503, JSON.stringify(res));
      assert.equal(res.body.ok, false);
      assert.equal(res.body.error, "unavailable");
      assert.equal(typeof res.body.message, "string");
    });
  } finally {
    await sys.close();
  }
});
