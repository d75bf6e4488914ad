import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrate, MIGRATIONS, schemaVersion } from "./migrations.ts";

Deno.test("migrations: a fresh database reaches the newest version; running again changes nothing", () => {
  const db = new DatabaseSync(":memory:");
  const latest = MIGRATIONS.at(-1)!.version;
  assert.equal(migrate(db), latest);
  assert.equal(migrate(db), latest);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((
    r,
  ) => r.name);
  assert.deepEqual(tables, [
    "charger_refusals",
    "charger_registrations",
    "chargers",
    "connectors",
    "events",
    "id_tags",
    "meter_values",
    "transactions",
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
  migrate(db);
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
  assert.equal(migrate(db), 6);
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
