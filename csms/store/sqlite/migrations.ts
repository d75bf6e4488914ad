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
  {
    version: 7,
    description: "the protocol-neutral model: EVSEs and neutral statuses, charger transaction ids, presence",
    // 1.6 connector n is EVSE n with connector 1, connector 0 is EVSE 0 (shared/domain.ts). The status
    // CASEs are csms/ocpp16/status.ts's mapping written out (migrations are frozen, the mapping may grow);
    // migrations_test.ts checks them against statusReport16 for every 1.6 status. vendor_id goes: no
    // protocol reports it beside the status any more (vendorErrorCode joins info, as statusReport16 does).
    sql: `
      CREATE TABLE connectors_neutral (
        charger_id TEXT NOT NULL,
        evse_id INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        status TEXT NOT NULL,
        charging_state TEXT,
        error_code TEXT,
        info TEXT,
        original TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (charger_id, evse_id, connector_id)
      ) WITHOUT ROWID;
      INSERT INTO connectors_neutral
        SELECT charger_id, connector_id, CASE WHEN connector_id = 0 THEN 0 ELSE 1 END,
          CASE status
            WHEN 'Available' THEN 'Available'
            WHEN 'Preparing' THEN 'Occupied'
            WHEN 'Finishing' THEN 'Occupied'
            WHEN 'Charging' THEN 'Occupied'
            WHEN 'SuspendedEV' THEN 'Occupied'
            WHEN 'SuspendedEVSE' THEN 'Occupied'
            WHEN 'Reserved' THEN 'Reserved'
            WHEN 'Unavailable' THEN 'Unavailable'
            ELSE 'Faulted'
          END,
          CASE status
            WHEN 'Preparing' THEN 'EVConnected'
            WHEN 'Finishing' THEN 'EVConnected'
            WHEN 'Charging' THEN 'Charging'
            WHEN 'SuspendedEV' THEN 'SuspendedEV'
            WHEN 'SuspendedEVSE' THEN 'SuspendedEVSE'
          END,
          NULLIF(error_code, 'NoError'),
          CASE
            WHEN coalesce(info, '') <> '' AND coalesce(vendor_error_code, '') <> ''
              THEN info || ' · ' || vendor_error_code
            WHEN coalesce(info, '') <> '' THEN info
            WHEN coalesce(vendor_error_code, '') <> '' THEN vendor_error_code
          END,
          status, updated_at
        FROM connectors;
      DROP TABLE connectors;
      ALTER TABLE connectors_neutral RENAME TO connectors;

      -- The CSMS's own id stays the key; charger_tx_id is the charger's own id where it assigns one
      -- (2.0.1), NULL where the CSMS does (1.6: the id as text, see reads.ts).
      ALTER TABLE transactions RENAME COLUMN connector_id TO evse_id;
      ALTER TABLE transactions ADD COLUMN connector_id INTEGER NOT NULL DEFAULT 1;
      UPDATE transactions SET connector_id = 0 WHERE evse_id = 0;
      ALTER TABLE transactions ADD COLUMN charger_tx_id TEXT;
      CREATE UNIQUE INDEX transactions_by_charger_tx ON transactions (charger_id, charger_tx_id)
        WHERE charger_tx_id IS NOT NULL;

      -- The replay key (dedupe_key) starts with the same number, now named the EVSE: existing keys match.
      ALTER TABLE meter_values RENAME COLUMN connector_id TO evse_id;
      UPDATE chargers SET last_sample = json_remove(
          json_set(last_sample, '$.evseId', json_extract(last_sample, '$.connectorId')), '$.connectorId')
        WHERE last_sample IS NOT NULL AND json_type(last_sample, '$.connectorId') IS NOT NULL;

      -- Presence: the CSMS node holding the charger's socket, while that node's lease (alive_until, ms) runs.
      ALTER TABLE chargers ADD COLUMN node TEXT;
      CREATE INDEX chargers_by_node ON chargers (node) WHERE node IS NOT NULL;
      CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        alive_until INTEGER NOT NULL
      );
    `,
  },
  {
    version: 8,
    description: "device models (OCPP 2.0.1 NotifyReport)",
    // Absent key parts are '' and -1 (csms/store/device_variable_row.ts): a primary key cannot hold NULL.
    sql: `
      CREATE TABLE device_variables (
        charger_id TEXT NOT NULL,
        component TEXT NOT NULL,
        component_instance TEXT NOT NULL,
        evse_id INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        variable TEXT NOT NULL,
        variable_instance TEXT NOT NULL,
        attribute_type TEXT NOT NULL,
        value TEXT,
        mutability TEXT,
        data_type TEXT,
        unit TEXT,
        values_list TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (charger_id, component, component_instance, evse_id, connector_id, variable,
          variable_instance, attribute_type)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    description: "boot status of a registration (BootNotification Accepted, Pending or Rejected)",
    sql: `
      ALTER TABLE charger_registrations ADD COLUMN boot_status TEXT NOT NULL DEFAULT 'Accepted'
        CHECK (boot_status IN ('Accepted', 'Pending', 'Rejected'));
    `,
  },
  {
    version: 10,
    description: "charging profiles chargers accepted (SetChargingProfile)",
    sql: `
      CREATE TABLE charging_profiles (
        charger_id TEXT NOT NULL,
        profile_id INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        purpose TEXT NOT NULL,
        stack_level INTEGER NOT NULL,
        transaction_id INTEGER,
        profile TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (charger_id, profile_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    description: "reservations (1.6 ReserveNow) and the local list each charger accepted (SendLocalList)",
    sql: `
      CREATE TABLE reservations (
        charger_id TEXT NOT NULL,
        reservation_id INTEGER NOT NULL,
        connector_id INTEGER NOT NULL,
        id_tag TEXT NOT NULL,
        parent_id_tag TEXT,
        expires_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('Active', 'Used', 'Cancelled')),
        ended_at TEXT,
        transaction_id INTEGER,
        PRIMARY KEY (charger_id, reservation_id)
      );
      CREATE TABLE local_lists (
        charger_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        update_type TEXT NOT NULL CHECK (update_type IN ('Full', 'Differential')),
        entries TEXT NOT NULL,
        sent_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 12,
    description: "every reading of a meter value (JSON), whatever its measurand; chargers' configuration",
    // The readings ride in the sample's row (no row per reading): one insert per sample as before.
    sql: `
      ALTER TABLE meter_values ADD COLUMN readings TEXT;
      CREATE TABLE charger_configuration (
        charger_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT,
        readonly INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (charger_id, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    description: "kept files (firmware images, chargers' uploads) and the latest transfer statuses",
    // An upload slot is a row without content until the charger's upload fills it.
    sql: `
      CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('firmware', 'diagnostics', 'log')),
        charger_id TEXT,
        token TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        content BLOB,
        stored_at TEXT NOT NULL
      );
      CREATE INDEX files_by_charger ON files (charger_id, stored_at);
      CREATE TABLE transfer_status (
        charger_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        request_id INTEGER,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (charger_id, kind)
      ) WITHOUT ROWID;
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
