/**
 * REST commands' HTTP status (docs/api.md, "Commands over HTTP"): 200 answered, 400 invalid, 409 offline,
 * 502 callerror, 503 unavailable, 504 timeout, the body the CommandResult in every case. Through the real
 * portal and CSMS, to a raw OCPP test charger (tests/csms_support.ts) that answers, never answers, or answers
 * with a CALLERROR; 503 once the CSMS has stopped serving commands. `?timeoutMs` outside 1000..120000 (400,
 * nothing sent), 409 and 503 are tested in memory in web/routes/api_commands_test.ts.
 */
import assert from "node:assert/strict";
import { OcppError } from "../shared/ocpp/errors.ts";
import { eventsOf, TestCharger } from "./csms_support.ts";
import { startSystem, waitFor } from "./web_support.ts";

Deno.test("REST commands: each CommandResult error has its HTTP status", async (t) => {
  const sys = await startSystem();
  const id = "CP-STATUS-1";
  const charger = await TestCharger.connect(sys.csms.url, id);
  const never = Promise.withResolvers<never>();
  charger.session
    .handle("ClearCache", () => ({ status: "Accepted" }))
    .handle("Reset", () => never.promise) // never answers
    .handle("ChangeConfiguration", () => {
      throw new OcppError("PropertyConstraintViolation", "value out of range");
    })
    .handle("DataTransfer", () => {
      throw new Error("the charger's firmware broke");
    });
  const operator = await (await sys.login()).addUser("oscar", "operator");
  const command = (action: string, payload: unknown, query = "", chargerId = id) =>
    operator.json("POST", `/api/v1/chargers/${chargerId}/commands/${action}${query}`, payload);
  const requested = () => eventsOf(sys.events, "command.requested", id).length;

  try {
    await charger.boot();
    await waitFor(
      async () => (await operator.json("GET", `/api/v1/chargers/${id}`)).body?.online,
      `${id} online`,
    );

    await t.step("200: the charger answered", async () => {
      assert.deepEqual(await command("ClearCache", {}), {
        status: 200,
        body: { ok: true, response: { status: "Accepted" } },
      });
    });

    await t.step("504 timeout: the charger never answers within ?timeoutMs", async () => {
      const res = await command("Reset", { type: "Soft" }, "?timeoutMs=1000");
      assert.equal(res.status, 504, JSON.stringify(res));
      assert.equal(res.body.ok, false);
      assert.equal(res.body.error, "timeout");
      // The request's timeoutMs, not the CSMS's CALL_TIMEOUT, is what it waited.
      assert.match(res.body.message, /did not answer Reset within 1000 ms/);
    });

    await t.step("502 callerror: the charger answers with a CALLERROR", async () => {
      const thrown = await command("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "999" });
      assert.equal(thrown.status, 502, JSON.stringify(thrown));
      assert.equal(thrown.body.ok, false);
      assert.equal(thrown.body.error, "callerror");
      assert.equal(thrown.body.code, "PropertyConstraintViolation");

      // A handler that fails outright: its RPC layer answers InternalError.
      const failed = await command("DataTransfer", { vendorId: "com.example" });
      assert.equal(failed.status, 502, JSON.stringify(failed));
      assert.equal(failed.body.error, "callerror");
      assert.equal(failed.body.code, "InternalError");

      // No handler at all: NotSupported.
      const unsupported = await command("UnlockConnector", { connectorId: 1 });
      assert.equal(unsupported.status, 502, JSON.stringify(unsupported));
      assert.equal(unsupported.body.code, "NotSupported");
    });

    await t.step(
      "400: a payload the OCPP schema refuses; nothing sent to the charger",
      async () => {
        const before = requested();
        const bogus = await command("Reset", { type: "Bogus" });
        assert.equal(bogus.status, 400, JSON.stringify(bogus));
        assert.equal(bogus.body.error, "invalid");
        // The CSMS refused the payload before the charger.
        assert.equal(requested(), before + 1);
        assert.ok(
          !charger.received.some((f) => f.includes('"Bogus"')),
          "the invalid Reset reached the charger",
        );
      },
    );

    await t.step("409 offline: no such charger connected", async () => {
      const res = await command("ClearCache", {}, "", "CP-STATUS-NONE");
      assert.equal(res.status, 409, JSON.stringify(res));
      assert.equal(res.body.error, "offline");
    });

    await t.step("503 unavailable: the CSMS no longer serves commands", async () => {
      await sys.csms.close();
      const res = await command("ClearCache", {});
      assert.equal(res.status, 503, JSON.stringify(res));
      assert.equal(res.body.ok, false);
      assert.equal(res.body.error, "unavailable");
      assert.equal(typeof res.body.message, "string");
    });
  } finally {
    await charger.close();
    await sys.close();
  }
});
