/**
 * The portal's REST side of an OCPP 2.0.1 charger, in memory (web/testing/app_harness.ts): its device model
 * (GET /api/v1/chargers/{id}/variables, seeded through the CSMS's real storage engine as its NotifyReport
 * handling writes it), who may read it, its protocol on GET /chargers/{id}, and the payloads the charger
 * page's Start/Stop and device-model view send for it, as the CSMS receives them on the Bus
 * (`command.requested`) and answers (409 `offline`: no charger is connected here; what a 2.0.1 charger
 * answers is tested end to end).
 */
import assert from "node:assert/strict";
import type { DeviceVariable } from "../../shared/domain.ts";
import type { CommandRequested } from "../../shared/events.ts";
import { fullReportCommand, setVariableCommand } from "../lib/device_model.ts";
import { startCommand, stopCommand } from "../lib/session_commands.ts";
import { type Json, NODE, startApp } from "../testing/app_harness.ts";

const CHARGER = "CP-201";

const at = () => new Date().toISOString();

function variable(v: Omit<DeviceVariable, "updatedAt">): DeviceVariable {
  return { ...v, updatedAt: at() };
}

const MODEL: DeviceVariable[] = [
  variable({
    component: "OCPPCommCtrlr",
    variable: "HeartbeatInterval",
    attributeType: "Actual",
    value: "300",
    mutability: "ReadWrite",
    dataType: "integer",
    unit: "s",
  }),
  variable({
    component: "EVSE",
    evseId: 1,
    variable: "AvailabilityState",
    attributeType: "Actual",
    value: "Available",
    mutability: "ReadOnly",
    dataType: "OptionList",
    valuesList: "Available,Occupied,Reserved,Unavailable,Faulted",
  }),
  variable({
    component: "Connector",
    evseId: 1,
    connectorId: 2,
    variable: "ConnectorType",
    attributeType: "Actual",
    value: "cType2",
    mutability: "ReadOnly",
  }),
  variable({
    component: "SecurityCtrlr",
    variable: "BasicAuthPassword",
    attributeType: "Actual",
    mutability: "WriteOnly",
  }),
];

Deno.test("REST for an OCPP 2.0.1 charger: protocol, device model, roles, command payloads", async (t) => {
  const sys = await startApp();
  try {
    await (await sys.storage.chargers.connected(CHARGER, "ocpp2.0.1", NODE, at())).durable;
    await (await sys.storage.chargers.booted(CHARGER, { vendor: "Chargewire", model: "Sim201" }, at()))
      .durable;
    await (await sys.storage.chargers.gone(CHARGER, NODE, Date.now())).durable;
    await (await sys.storage.deviceModel.report(CHARGER, MODEL)).durable;
    await (await sys.storage.chargers.connected("CP-16", "ocpp1.6", NODE, at())).durable;

    const admin = await sys.login();
    const viewer = await admin.addUser("vera", "viewer");
    const operator = await admin.addUser("otto", "operator");

    await t.step("GET /chargers/{id} says protocol ocpp2.0.1", async () => {
      const res = await viewer.json("GET", `/api/v1/chargers/${CHARGER}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.protocol, "ocpp2.0.1");
    });

    await t.step("GET /chargers/{id}/variables: the stored model, to every role", async () => {
      for (const who of [viewer, operator, admin]) {
        const res = await who.json("GET", `/api/v1/chargers/${CHARGER}/variables`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const items: DeviceVariable[] = res.body.items;
        assert.equal(items.length, MODEL.length);
        const key = (v: DeviceVariable) =>
          `${v.component}/${v.evseId ?? ""}/${v.connectorId ?? ""}/${v.variable}`;
        const byKey = new Map(items.map((v) => [key(v), v]));
        for (const want of MODEL) {
          const got = byKey.get(key(want));
          assert.ok(got, key(want));
          const { updatedAt: _, ...rest } = want;
          assert.deepEqual({ ...got, updatedAt: undefined }, { ...rest, updatedAt: undefined });
        }
        // The read model's order: by component first.
        assert.deepEqual(items.map((v) => v.component), [...items.map((v) => v.component)].sort());
      }
    });

    await t.step("a 1.6 charger has an empty model; an unknown one is 404; signed out is 401", async () => {
      const empty = await viewer.json("GET", "/api/v1/chargers/CP-16/variables");
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body.items, []);
      const unknown = await viewer.json("GET", "/api/v1/chargers/CP-NONE/variables");
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error, "not_found");
      const anonymous = await sys.fetch(`/api/v1/chargers/${CHARGER}/variables`);
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();
    });

    await t.step("the page's 2.0.1 commands reach the CSMS as built; viewers may not send them", async () => {
      const started = await sys.storage.transactions.start({
        chargerId: CHARGER,
        chargerTransactionId: "9b2f-tx",
        evseId: 1,
        connectorId: 1,
        idTag: "TAG-201",
        meterStartWh: 0,
        startedAt: at(),
        authStatus: "Accepted",
      });
      await started.durable;
      const tx: Json = (await viewer.json("GET", `/api/v1/transactions/${started.value.id}`)).body;
      assert.equal(tx.chargerTransactionId, "9b2f-tx");

      const charger = (await viewer.json("GET", `/api/v1/chargers/${CHARGER}`)).body;
      const commands = [
        startCommand(charger.protocol, 1, "OPERATOR"),
        stopCommand(charger.protocol, tx),
        setVariableCommand(MODEL[0], "60"),
        fullReportCommand(7),
      ];
      assert.deepEqual(commands.map((c) => c.action), [
        "RequestStartTransaction",
        "RequestStopTransaction",
        "SetVariables",
        "GetBaseReport",
      ]);
      for (const command of commands) {
        const refused = await viewer.json(
          "POST",
          `/api/v1/chargers/${CHARGER}/commands/${command.action}`,
          command.payload,
        );
        assert.equal(refused.status, 403);

        const before = sys.events.length;
        const res = await operator.json(
          "POST",
          `/api/v1/chargers/${CHARGER}/commands/${command.action}`,
          command.payload,
        );
        // A 2.0.1 command the CSMS takes, for a charger that is not connected.
        assert.equal(res.status, 409, JSON.stringify(res.body));
        assert.equal(res.body.error, "offline");
        const requested = sys.events.slice(before).find((e): e is CommandRequested =>
          e.type === "command.requested" && e.chargerId === CHARGER
        );
        assert.ok(requested, command.action);
        assert.equal(requested.action, command.action);
        assert.deepEqual(requested.payload, command.payload);
      }
      const stop = sys.events.filter((e): e is CommandRequested => e.type === "command.requested")
        .find((e) => e.action === "RequestStopTransaction");
      assert.deepEqual(stop?.payload, { transactionId: "9b2f-tx" });
    });
  } finally {
    await sys.close();
  }
});
