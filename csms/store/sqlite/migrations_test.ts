import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import type { ChargePointStatus16 } from "../../../shared/ocpp/actions16.ts";
import { statusReport16 } from "../../ocpp16/status.ts";
import { migrate, MIGRATIONS, schemaVersion } from "./migrations.ts";

/** The schema before the protocol-neutral model (migration 7). */
const UP_TO_6 = MIGRATIONS.filter((m) => m.version <= 6);

/** Every 1.6 status: a Record, so that the compiler says when the protocol's list and this one differ. */
const EVERY_STATUS_16: Record<ChargePointStatus16, true> = {
  Available: true,
  Preparing: true,
  Charging: true,
  SuspendedEVSE: true,
  SuspendedEV: true,
  Finishing: true,
  Reserved: true,
  Unavailable: true,
  Faulted: true,
};
const CHARGE_POINT_STATUSES_16 = Object.keys(EVERY_STATUS_16) as ChargePointStatus16[];

Deno.test("migrations: a fresh database reaches the newest version; running again changes nothing", () => {
  const db = new DatabaseSync(":memory:");
  const latest = MIGRATIONS.at(-1)!.version;
  assert.equal(migrate(db), latest);
  assert.equal(migrate(db), latest);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((
    r,
  ) => r.name);
  assert.deepEqual(tables, [
    "charger_configuration",
    "charger_refusals",
    "charger_registrations",
    "chargers",
    "charging_profiles",
    "connectors",
    "device_variables",
    "events",
    "files",
    "id_tags",
    "local_lists",
    "meter_values",
    "nodes",
    "reservations",
    "transactions",
    "transfer_status",
  ]);
  db.close();
});

Deno.test("migrations: applied in order from the current version; a failing one rolls back", () => {
  const db = new DatabaseSync(":memory:");
  const steps = [
    { version: 1, description: "a", sql: "CREATE TABLE a (x)" },
    { version: 2, description: "b", sql: "CREATE TABLE b (x)" },
  ];
  assert.equal(migrate(db, steps.slice(0, 1)), 1);
  assert.equal(migrate(db, steps), 2);
  const broken = [...steps, {
    version: 3,
    description: "broken",
    sql: "CREATE TABLE c (x); CREATE TABLE a (x)",
  }];
  assert.throws(() => migrate(db, broken), /migration 3 \(broken\) failed/);
  assert.equal(schemaVersion(db), 2);
  assert.equal(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c'").get()!.n, 0);
  db.close();
});

Deno.test("migrations: a database from a newer CSMS is refused", () => {
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA user_version = 999");
  assert.throws(() => migrate(db), /schema version 999 is newer/);
  db.close();
});

Deno.test("migrations: chargers seen before registrations existed are registered, profile 0, no key", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db, MIGRATIONS.slice(0, 1));
  db.prepare("INSERT INTO chargers (id, first_seen_at) VALUES (?, ?)").run(
    "CP-OLD",
    "2026-01-01T00:00:00.000Z",
  );
  migrate(db);
  assert.deepEqual(
    { ...db.prepare("SELECT id, security_profile, key_hash, created_at FROM charger_registrations").get() },
    { id: "CP-OLD", security_profile: 0, key_hash: null, created_at: "2026-01-01T00:00:00.000Z" },
  );
  // A key goes with profile 1 or 2, and only there.
  assert.throws(() => db.prepare("INSERT INTO charger_registrations VALUES ('X', 0, 'h', 'a', 'a')").run());
  assert.throws(() => db.prepare("INSERT INTO charger_registrations VALUES ('Y', 1, NULL, 'a', 'a')").run());
  db.close();
});

Deno.test("migrations: version 4 drops the index by charger and keeps replays of older samples refused", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
  const insert = db.prepare(
    `INSERT INTO meter_values (charger_id, connector_id, transaction_id, ts, energy_wh, received_at, dedupe_key)
     VALUES ('CP', 1, ?, '2026-01-01T00:00:00Z', 10, 0, ?) ON CONFLICT DO NOTHING`,
  );
  assert.equal(insert.run(7, "k").changes, 1);
  migrate(db, UP_TO_6);
  const indexes = db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'meter_values'",
  )
    .all().map((r) => r.name).sort();
  assert.deepEqual(indexes, [
    "meter_values_by_transaction",
    "meter_values_dedupe",
    "meter_values_outside_transactions",
  ]);
  assert.equal(insert.run(7, "k").changes, 0, "the sample stored before the upgrade is still recognised");
  assert.equal(insert.run(8, "k").changes, 1, "the same key in another transaction is another sample");
  db.close();
});

Deno.test("migrations: version 5 keeps existing transactions as their chargers stopped them", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db, MIGRATIONS.filter((m) => m.version <= 4));
  db.exec(
    `INSERT INTO transactions (id, charger_id, connector_id, id_tag, auth_status, meter_start_wh, started_at,
       meter_stop_wh, stopped_at, stop_reason)
     VALUES (1, 'CP', 1, 'T', 'Accepted', 0, '2026-01-01T00:00:00Z', 10, '2026-01-01T01:00:00Z', 'Local')`,
  );
  assert.equal(migrate(db, UP_TO_6), 6);
  assert.deepEqual(
    {
      ...db.prepare(
        "SELECT stop_reason, closed_at, closed_by, superseded_by, reported_stopped_at FROM transactions",
      ).get(),
    },
    {
      stop_reason: "Local",
      closed_at: null,
      closed_by: null,
      superseded_by: null,
      reported_stopped_at: null,
    },
  );
  db.close();
});

Deno.test("migrations: version 7 moves 1.6 rows to the neutral model, statuses as statusReport16 maps them", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db, UP_TO_6);
  const at = "2026-01-01T00:00:00.000Z";
  db.prepare(
    `INSERT INTO chargers (id, protocol, first_seen_at, last_seen_at, last_sample) VALUES (?, 'ocpp1.6', ?, ?, ?)`,
  ).run("CP", at, at, JSON.stringify({ timestamp: at, energyWh: 5, connectorId: 2, transactionId: 1 }));
  const connector = db.prepare(
    `INSERT INTO connectors (charger_id, connector_id, status, error_code, info, vendor_id, vendor_error_code,
       updated_at) VALUES ('CP', ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Connector n of charger CP carries the n-th 1.6 status; connector 0 a fault with both texts.
  CHARGE_POINT_STATUSES_16.forEach((status, i) =>
    connector.run(i + 1, status, "NoError", null, null, null, at)
  );
  connector.run(0, "Faulted", "GroundFailure", "relay", "ACME", "E42", at);
  db.exec(
    `INSERT INTO transactions (id, charger_id, connector_id, id_tag, auth_status, meter_start_wh, started_at)
     VALUES (1, 'CP', 2, 'T', 'Accepted', 100, '${at}');
     INSERT INTO meter_values (charger_id, connector_id, transaction_id, ts, energy_wh, received_at, dedupe_key)
     VALUES ('CP', 2, 1, '${at}', 150, 0, 'k');`,
  );

  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 7)), 7);
  const rows = db.prepare("SELECT * FROM connectors ORDER BY evse_id").all();
  assert.equal(rows.length, CHARGE_POINT_STATUSES_16.length + 1);
  assert.deepEqual({ ...rows[0] }, {
    charger_id: "CP",
    evse_id: 0,
    connector_id: 0,
    status: "Faulted",
    charging_state: null,
    error_code: "GroundFailure",
    info: "relay · E42",
    original: "Faulted",
    updated_at: at,
  });
  const expected0 = statusReport16({
    connectorId: 0,
    status: "Faulted",
    errorCode: "GroundFailure",
    info: "relay",
    vendorErrorCode: "E42",
  });
  assert.equal(rows[0].info, expected0.info);
  CHARGE_POINT_STATUSES_16.forEach((status, i) => {
    const want = statusReport16({ connectorId: i + 1, status, errorCode: "NoError" });
    const r = rows[i + 1];
    assert.deepEqual(
      {
        evseId: r.evse_id,
        connectorId: r.connector_id,
        status: r.status,
        chargingState: r.charging_state ?? undefined,
        errorCode: r.error_code ?? undefined,
        original: r.original,
      },
      {
        evseId: want.evseId,
        connectorId: want.connectorId,
        status: want.status,
        chargingState: want.chargingState,
        errorCode: want.errorCode,
        original: want.original,
      },
      status,
    );
  });

  assert.deepEqual(
    { ...db.prepare("SELECT evse_id, connector_id, charger_tx_id FROM transactions").get() },
    { evse_id: 2, connector_id: 1, charger_tx_id: null },
  );
  assert.deepEqual(
    { ...db.prepare("SELECT evse_id, transaction_id, dedupe_key FROM meter_values").get() },
    { evse_id: 2, transaction_id: 1, dedupe_key: "k" },
  );
  const charger = db.prepare("SELECT node, last_sample FROM chargers").get()!;
  assert.equal(charger.node, null, "no charger is online on a node before one starts");
  assert.deepEqual(JSON.parse(charger.last_sample as string), {
    timestamp: at,
    energyWh: 5,
    evseId: 2,
    transactionId: 1,
  });
  assert.equal(db.prepare("SELECT count(*) AS n FROM nodes").get()!.n, 0);
  db.close();
});
