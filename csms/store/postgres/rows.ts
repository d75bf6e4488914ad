/** PostgreSQL rows as domain records: one place for each table's mapping, shared by writes and reads. */
import type {
  ChargingState,
  ConnectorStatus,
  IdTokenRecord,
  IdTokenStatus,
  MeterReading,
} from "../../../shared/domain.ts";
import type {
  BootStatus,
  ChargerRegistration,
  ConnectorState,
  LocatedSample,
  SecurityProfile,
  TransactionRecord,
} from "../../../shared/queries.ts";
import type { ActiveTransaction } from "../../../shared/storage.ts";

// deno-lint-ignore no-explicit-any
export type Row = Record<string, any>;

/** The columns an ActiveTransaction is read from (see activeFromRow). */
export const ACTIVE_COLUMNS = [
  "id",
  "charger_tx_id",
  "charger_id",
  "evse_id",
  "connector_id",
  "id_tag",
  "meter_start_wh",
  "started_at",
  "last_meter_wh",
] as const;

export function activeFromRow(r: Row): ActiveTransaction {
  const id = r.id as number;
  const tx: ActiveTransaction = {
    id,
    // 1.6 chargers know the CSMS's id: theirs is the same number as text.
    chargerTransactionId: r.charger_tx_id ?? String(id),
    chargerId: r.charger_id,
    evseId: r.evse_id,
    connectorId: r.connector_id,
    idTag: r.id_tag,
    meterStartWh: r.meter_start_wh,
    startedAt: r.started_at,
  };
  if (r.last_meter_wh !== null) tx.lastMeterWh = r.last_meter_wh;
  return tx;
}

export function transactionFromRow(r: Row): TransactionRecord {
  const start = r.meter_start_wh as number;
  const stop = r.meter_stop_wh as number | null;
  const last = r.last_meter_wh as number | null;
  const id = r.id as number;
  const t: TransactionRecord = {
    id,
    chargerTransactionId: r.charger_tx_id ?? String(id),
    chargerId: r.charger_id,
    evseId: r.evse_id,
    connectorId: r.connector_id,
    idTag: r.id_tag,
    meterStartWh: start,
    startedAt: r.started_at,
    energyWh: stop !== null ? stop - start : last !== null ? Math.max(0, last - start) : 0,
  };
  if (stop !== null) t.meterStopWh = stop;
  if (last !== null) t.lastMeterWh = last;
  else if (stop !== null) t.lastMeterWh = stop;
  if (r.stopped_at !== null) t.stoppedAt = r.stopped_at;
  if (r.stop_reason !== null) t.stopReason = r.stop_reason;
  if (r.closed_at !== null) t.closedAt = r.closed_at;
  if (r.closed_by !== null) t.closedBy = r.closed_by;
  if (r.close_reason !== null) t.closeReason = r.close_reason;
  if (r.superseded_by !== null) t.supersededBy = r.superseded_by;
  if (r.reported_stopped_at !== null) {
    t.reportedStop = {
      meterStopWh: r.reported_meter_stop_wh,
      stoppedAt: r.reported_stopped_at,
      reason: r.reported_stop_reason,
    };
  }
  return t;
}

export function connectorFromRow(r: Row): ConnectorState {
  const c: ConnectorState = {
    evseId: r.evse_id,
    connectorId: r.connector_id,
    status: r.status as ConnectorStatus,
    original: r.original,
    updatedAt: r.updated_at,
  };
  if (r.charging_state !== null) c.chargingState = r.charging_state as ChargingState;
  if (r.error_code !== null) c.errorCode = r.error_code;
  if (r.info !== null) c.info = r.info;
  return c;
}

export function sampleFromRow(r: Row): LocatedSample {
  const s: LocatedSample = { timestamp: r.ts, evseId: r.evse_id };
  if (r.transaction_id !== null) s.transactionId = r.transaction_id;
  if (r.energy_wh !== null) s.energyWh = r.energy_wh;
  if (r.power_w !== null) s.powerW = r.power_w;
  if (r.current_a !== null) s.currentA = r.current_a;
  if (r.voltage_v !== null) s.voltageV = r.voltage_v;
  if (r.soc_percent !== null) s.socPercent = r.soc_percent;
  if (r.readings) s.readings = r.readings as MeterReading[];
  return s;
}

export function idTagFromRow(r: Row): IdTokenRecord {
  const tag: IdTokenRecord = { idTag: r.id_tag, status: r.status as IdTokenStatus, createdAt: r.created_at };
  if (r.expiry_date) tag.expiryDate = r.expiry_date;
  if (r.parent_id_tag) tag.parentIdTag = r.parent_id_tag;
  return tag;
}

/**
 * What may be shown outside the CSMS: whether a key is set, never the hash. Read from rows that select
 * `key_hash IS NOT NULL AS has_key`, so that the hash does not even leave the database.
 */
export function publicRegistrationFromRow(r: Row): ChargerRegistration {
  return {
    id: r.id,
    securityProfile: r.security_profile as SecurityProfile,
    hasKey: r.has_key === true,
    bootStatus: r.boot_status as BootStatus,
    createdAt: r.created_at,
  };
}
