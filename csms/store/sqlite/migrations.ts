/**
 * Versioned schema migrations, applied in order inside one transaction each;
 * PRAGMA user_version records the last one applied. Append new versions, never
 * edit an applied one.
 */
import type { DatabaseSync } from "node:sqlite";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "chargers, connectors, id tags, transactions, meter values, event log",
    sql: `
      CREATE TABLE chargers (
        id TEXT PRIMARY KEY,
        protocol TEXT,
        vendor TEXT,
        model TEXT,
        serial_number TEXT,
        firmware_version TEXT,
        iccid TEXT,
        imsi TEXT,
        meter_type TEXT,
        meter_serial_number TEXT,
        first_seen_at TEXT NOT NULL,
        last_boot_at TEXT,
        last_seen_at TEXT,
        firmware_status TEXT,
        diagnostics_status TEXT,
        last_sample TEXT
      );
      CREATE TABLE connectors (
        charger_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        status TEXT NOT NULL,
        error_code TEXT NOT NULL,
        info TEXT,
        vendor_id TEXT,
        vendor_error_code TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (charger_id, connector_id)
      ) WITHOUT ROWID;
      -- OCPP idTokens are case-insensitive.
      CREATE TABLE id_tags (
        id_tag TEXT PRIMARY KEY COLLATE NOCASE,
        status TEXT NOT NULL,
        expiry_date TEXT,
        parent_id_tag TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE transactions (
        id INTEGER PRIMARY KEY,
        charger_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        id_tag TEXT NOT NULL,
        auth_status TEXT NOT NULL,
        reservation_id INTEGER,
        meter_start_wh INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        last_meter_wh REAL,
        meter_stop_wh INTEGER,
        stopped_at TEXT,
        stop_reason TEXT,
        stop_id_tag TEXT
      );
      CREATE INDEX transactions_by_charger ON transactions (charger_id, id);
      CREATE INDEX transactions_active ON transactions (charger_id) WHERE stopped_at IS NULL;
      -- received_at (ms) drives retention: rows arrive in id order, so pruning walks the table from its start.
      CREATE TABLE meter_values (
        id INTEGER PRIMARY KEY,
        charger_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        transaction_id INTEGER,
        ts TEXT NOT NULL,
        energy_wh REAL,
        power_w REAL,
        current_a REAL,
        voltage_v REAL,
        soc_percent REAL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX meter_values_by_charger ON meter_values (charger_id, id);
      CREATE INDEX meter_values_by_transaction ON meter_values (transaction_id) WHERE transaction_id IS NOT NULL;
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        charger_id TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX events_by_charger ON events (charger_id, id);
    `,
  },
  {
    version: 2,
    description: "charger registrations (OCPP security profiles, hashed AuthorizationKeys)",
    sql: `
      CREATE TABLE charger_registrations (
        id TEXT PRIMARY KEY,
        security_profile INTEGER NOT NULL CHECK (security_profile IN (0, 1, 2)),
        -- pbkdf2-sha256$iterations$salt$hash; NULL for profile 0. The clear key is never stored.
        key_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((security_profile = 0) = (key_hash IS NULL))
      );
      -- Chargers seen before registrations existed came in under the only policy there was: open.
      INSERT INTO charger_registrations (id, security_profile, created_at, updated_at)
        SELECT id, 0, first_seen_at, first_seen_at FROM chargers;
    `,
  },
  {
    version: 3,
    description: "idempotent meter values: a replayed transaction sample is stored once",
    sql: `
      ALTER TABLE meter_values ADD COLUMN dedupe_key TEXT;
      CREATE UNIQUE INDEX meter_values_dedupe ON meter_values (transaction_id, dedupe_key)
        WHERE transaction_id IS NOT NULL AND dedupe_key IS NOT NULL;
    `,
  },
  {
    version: 4,
    description: "meter value indexes a busy CSMS can write: none by charger, replays keyed time first",
    // Every commit of a busy CSMS wrote one leaf page per charger of each index whose key starts with the
    // charger or the transaction: the inserts of 1,000 chargers land in 1,000 places. That was most of
    // what persisting a MeterValues cost. meter_values_by_charger goes: a charger's samples are found
    // through its transactions (meter_values_by_transaction), and the few sent outside a transaction
    // through a partial index. The replay key stays unique per transaction, but leads with the sample's
    // timestamp: chargers keep their clocks set (BootNotification hands them the time), so new samples
    // all land at the end of the index, in a few shared pages.
    sql: `
      DROP INDEX meter_values_by_charger;
      CREATE INDEX meter_values_outside_transactions ON meter_values (charger_id, id)
        WHERE transaction_id IS NULL;
      DROP INDEX meter_values_dedupe;
      -- ts is the timestamp inside dedupe_key: unique on (ts, transaction, key) is unique on (transaction, key).
      CREATE UNIQUE INDEX meter_values_dedupe ON meter_values (ts, transaction_id, dedupe_key)
        WHERE transaction_id IS NOT NULL AND dedupe_key IS NOT NULL;
    `,
  },
  {
    version: 5,
    description: "transactions the CSMS closed (superseded, or by an operator), and the charger's late stop",
    // Added columns cost nothing to existing rows (SQLite rewrites no table for ADD COLUMN); all NULL for a
    // transaction its charger stopped itself.
    sql: `
      ALTER TABLE transactions ADD COLUMN closed_at TEXT;
      ALTER TABLE transactions ADD COLUMN closed_by TEXT;
      ALTER TABLE transactions ADD COLUMN close_reason TEXT;
      ALTER TABLE transactions ADD COLUMN superseded_by INTEGER;
      ALTER TABLE transactions ADD COLUMN reported_meter_stop_wh INTEGER;
      ALTER TABLE transactions ADD COLUMN reported_stopped_at TEXT;
      ALTER TABLE transactions ADD COLUMN reported_stop_reason TEXT;
    `,
  },
  {
    version: 6,
    description: "recent refusals at the handshake, one row per charge point id",
    // Bounded to the most recent ids (csms/store/refusals.ts); nothing secret from the request is kept.
    sql: `
      CREATE TABLE charger_refusals (
        charger_id TEXT PRIMARY KEY,
        remote_address TEXT NOT NULL,
        reason TEXT NOT NULL,
        status INTEGER NOT NULL,
        detail TEXT,
        attempts INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL
      );
      CREATE INDEX charger_refusals_by_time ON charger_refusals (last_at);
    `,
  },
];

export function schemaVersion(db: DatabaseSync): number {
  return (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
}

/** Brings the database up to the newest schema; refuses a database written by a newer CSMS. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this CSMS knows (${latest})`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw new Error(`migration ${m.version} (${m.description}) failed: ${(err as Error).message}`);
    }
  }
  return schemaVersion(db);
}
