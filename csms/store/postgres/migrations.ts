/**
 * Versioned schema migrations of the PostgreSQL engine, recorded in schema_migrations. Every node runs
 * them at start, inside one transaction that first takes a transaction-scoped advisory lock: nodes that
 * start at once queue on the lock, and each one after the first finds the schema current and applies
 * nothing. DDL is transactional in PostgreSQL, so a failed migration leaves no half-made schema. Append
 * new versions, never edit an applied one.
 *
 * The schema is the protocol-neutral model of shared/: connectors keyed by EVSE and connector, neutral
 * statuses beside the charger's own word (`original`), the charger's own transaction id (NULL where the
 * CSMS assigns it: 1.6), presence (chargers.node, nodes.alive_until). Times the chargers and the CSMS
 * stamp stay text (ISO 8601), as the contract hands them: a resent start is recognised by its exact
 * startedAt, and `COLLATE "C"` makes their order and comparisons byte order, the same as SQLite's.
 */
import { migrate as migrateSet, type Migration } from "../../../db/postgres.ts";
import type { Sql } from "./pool.ts";

export type { Migration } from "../../../db/postgres.ts";

/** The advisory lock every node takes to migrate (any constant, unique to Chargewire's schema). */
export const MIGRATION_LOCK = 0x43_57_53_43; // "CWSC"

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "chargers and presence, connectors, id tags, transactions, meter values, event log, " +
      "registrations, refusals",
    sql: `
      CREATE TABLE chargers (
        id text COLLATE "C" PRIMARY KEY,
        protocol text,
        vendor text,
        model text,
        serial_number text,
        firmware_version text,
        iccid text,
        imsi text,
        meter_type text,
        meter_serial_number text,
        first_seen_at text NOT NULL,
        last_boot_at text,
        last_seen_at text COLLATE "C",
        firmware_status text,
        diagnostics_status text,
        -- The newest sample (a LocatedSample), written with each meter batch.
        last_sample json,
        -- The CSMS node holding the charger's socket; online while that node's lease runs.
        node text COLLATE "C"
      );
      CREATE INDEX chargers_by_node ON chargers (node) WHERE node IS NOT NULL;
      CREATE TABLE nodes (
        id text COLLATE "C" PRIMARY KEY,
        alive_until timestamptz NOT NULL
      );
      CREATE TABLE connectors (
        charger_id text COLLATE "C" NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        status text NOT NULL,
        charging_state text,
        error_code text,
        info text,
        original text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (charger_id, evse_id, connector_id)
      );
      -- OCPP idTokens are case-insensitive: one row per tag whatever its case, kept as first written.
      CREATE TABLE id_tags (
        id_tag text COLLATE "C" NOT NULL,
        status text NOT NULL,
        expiry_date text,
        parent_id_tag text,
        created_at text NOT NULL
      );
      CREATE UNIQUE INDEX id_tags_key ON id_tags (lower(id_tag));
      CREATE TABLE transactions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- The charger's own id where it assigns one (2.0.1); NULL where the CSMS does (1.6: id as text).
        charger_tx_id text COLLATE "C",
        charger_id text COLLATE "C" NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        id_tag text NOT NULL,
        auth_status text NOT NULL,
        reservation_id integer,
        meter_start_wh double precision NOT NULL,
        started_at text COLLATE "C" NOT NULL,
        last_meter_wh double precision,
        meter_stop_wh double precision,
        stopped_at text,
        stop_reason text,
        stop_id_tag text,
        closed_at text,
        closed_by text,
        close_reason text,
        superseded_by bigint,
        reported_meter_stop_wh double precision,
        reported_stopped_at text,
        reported_stop_reason text
      );
      CREATE INDEX transactions_by_charger ON transactions (charger_id, id);
      -- Every start asks for the open ones on its EVSE; open transactions are few, so the index is small.
      CREATE INDEX transactions_open ON transactions (charger_id, evse_id) WHERE stopped_at IS NULL;
      -- One open transaction per charger-assigned id (a charger may reuse its ids after a reset).
      CREATE UNIQUE INDEX transactions_open_by_charger_tx ON transactions (charger_id, charger_tx_id)
        WHERE charger_tx_id IS NOT NULL AND stopped_at IS NULL;
      CREATE TABLE meter_values (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        charger_id text COLLATE "C" NOT NULL,
        evse_id integer NOT NULL,
        transaction_id bigint,
        ts text COLLATE "C" NOT NULL,
        energy_wh double precision,
        power_w double precision,
        current_a double precision,
        voltage_v double precision,
        soc_percent double precision,
        -- Milliseconds since the epoch on the receiving node: retention is by it (see prune.ts).
        received_at bigint NOT NULL,
        dedupe_key text COLLATE "C"
      );
      CREATE INDEX meter_values_by_charger ON meter_values (charger_id, id);
      CREATE INDEX meter_values_by_transaction ON meter_values (transaction_id, id)
        WHERE transaction_id IS NOT NULL;
      -- A replayed transaction sample is stored once. Led by the timestamp, as in the SQLite engine:
      -- chargers keep their clocks set, so new keys land at the end of the index, in a few shared pages.
      CREATE UNIQUE INDEX meter_values_dedupe ON meter_values (ts, transaction_id, dedupe_key)
        WHERE transaction_id IS NOT NULL AND dedupe_key IS NOT NULL;
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at text NOT NULL,
        charger_id text COLLATE "C" NOT NULL,
        type text NOT NULL,
        data json NOT NULL,
        received_at bigint NOT NULL
      );
      CREATE INDEX events_by_charger ON events (charger_id, id);
      CREATE TABLE charger_registrations (
        id text COLLATE "C" PRIMARY KEY,
        security_profile integer NOT NULL CHECK (security_profile IN (0, 1, 2)),
        -- pbkdf2-sha256$iterations$salt$hash (csms/charger_keys.ts); NULL for profile 0. Never the key.
        key_hash text,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        CHECK ((security_profile = 0) = (key_hash IS NULL))
      );
      -- Bounded to the MAX_RECENT_REFUSALS most recent ids (refusals.ts); nothing secret is kept.
      CREATE TABLE charger_refusals (
        charger_id text COLLATE "C" PRIMARY KEY,
        remote_address text NOT NULL,
        reason text NOT NULL,
        status integer NOT NULL,
        detail text,
        attempts integer NOT NULL,
        first_at text NOT NULL,
        last_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX charger_refusals_by_time ON charger_refusals (last_at);
    `,
  },
  {
    version: 2,
    description: "device models (OCPP 2.0.1 NotifyReport)",
    // Absent key parts are '' and -1 (csms/store/device_variable_row.ts): a primary key cannot hold NULL.
    sql: `
      CREATE TABLE device_variables (
        charger_id text COLLATE "C" NOT NULL,
        component text COLLATE "C" NOT NULL,
        component_instance text COLLATE "C" NOT NULL,
        evse_id integer NOT NULL,
        connector_id integer NOT NULL,
        variable text COLLATE "C" NOT NULL,
        variable_instance text COLLATE "C" NOT NULL,
        attribute_type text COLLATE "C" NOT NULL,
        value text,
        mutability text,
        data_type text,
        unit text,
        values_list text,
        updated_at text NOT NULL,
        PRIMARY KEY (charger_id, component, component_instance, evse_id, connector_id, variable,
          variable_instance, attribute_type)
      );
    `,
  },
  {
    version: 3,
    description: "boot status of a registration (BootNotification Accepted, Pending or Rejected)",
    sql: `
      ALTER TABLE charger_registrations ADD COLUMN boot_status text NOT NULL DEFAULT 'Accepted'
        CHECK (boot_status IN ('Accepted', 'Pending', 'Rejected'));
    `,
  },
  {
    version: 4,
    description: "charging profiles chargers accepted (SetChargingProfile)",
    sql: `
      CREATE TABLE charging_profiles (
        charger_id text COLLATE "C" NOT NULL,
        profile_id integer NOT NULL,
        connector_id integer NOT NULL,
        purpose text COLLATE "C" NOT NULL,
        stack_level integer NOT NULL,
        transaction_id integer,
        profile text NOT NULL,
        stored_at text NOT NULL,
        PRIMARY KEY (charger_id, profile_id)
      );
    `,
  },
  {
    version: 5,
    description: "reservations (1.6 ReserveNow) and the local list each charger accepted (SendLocalList)",
    sql: `
      CREATE TABLE reservations (
        charger_id text COLLATE "C" NOT NULL,
        reservation_id integer NOT NULL,
        connector_id integer NOT NULL,
        id_tag text NOT NULL,
        parent_id_tag text,
        expires_at text NOT NULL,
        created_at text NOT NULL,
        state text NOT NULL CHECK (state IN ('Active', 'Used', 'Cancelled')),
        ended_at text,
        transaction_id bigint,
        PRIMARY KEY (charger_id, reservation_id)
      );
      CREATE TABLE local_lists (
        charger_id text COLLATE "C" PRIMARY KEY,
        version integer NOT NULL,
        update_type text NOT NULL CHECK (update_type IN ('Full', 'Differential')),
        entries text NOT NULL,
        sent_at text NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: "every reading of a meter value (JSON), whatever its measurand; chargers' configuration",
    sql: `
      ALTER TABLE meter_values ADD COLUMN readings jsonb;
      CREATE TABLE charger_configuration (
        charger_id text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        value text,
        readonly boolean NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (charger_id, key)
      );
    `,
  },
  {
    version: 7,
    description: "kept files (firmware images, chargers' uploads) and the latest transfer statuses",
    // An upload slot is a row without content until the charger's upload fills it.
    sql: `
      CREATE TABLE files (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('firmware', 'diagnostics', 'log')),
        charger_id text COLLATE "C",
        token text COLLATE "C" NOT NULL UNIQUE,
        name text NOT NULL,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        content bytea,
        stored_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX files_by_charger ON files (charger_id, stored_at);
      CREATE TABLE transfer_status (
        charger_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        request_id integer,
        updated_at text NOT NULL,
        PRIMARY KEY (charger_id, kind)
      );
    `,
  },
];

/**
 * Brings the database up to the CSMS's newest schema, in one transaction under MIGRATION_LOCK (nodes
 * starting at once queue on it); refuses a database a newer CSMS has migrated. Returns the schema version.
 */
export function migrate(sql: Sql, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  return migrateSet(sql, {
    table: "schema_migrations",
    lock: MIGRATION_LOCK,
    owner: "this CSMS",
    migrations,
  });
}
