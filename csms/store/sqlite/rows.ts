/** SQLite rows as domain records: one place for each table's mapping, shared by the writes and the reads. */
import type { ChargingState, ConnectorStatus, IdTokenRecord, IdTokenStatus } from "../../../shared/domain.ts";
import type { ConnectorState, TransactionRecord } from "../../../shared/queries.ts";

export type Row = Record<string, string | number | null>;

export function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

export function transactionFromRow(r: Row): TransactionRecord {
  const start = r.meter_start_wh as number;
  const stop = opt(r.meter_stop_wh as number | null);
  const last = opt(r.last_meter_wh as number | null);
  const id = r.id as number;
  const t: TransactionRecord = {
    id,
    // 1.6 chargers know the CSMS's id: theirs is the same number as text.
    chargerTransactionId: r.charger_tx_id === null ? String(id) : r.charger_tx_id as string,
    chargerId: r.charger_id as string,
    evseId: r.evse_id as number,
    connectorId: r.connector_id as number,
    idTag: r.id_tag as string,
    meterStartWh: start,
    startedAt: r.started_at as string,
    energyWh: stop !== undefined ? stop - start : last !== undefined ? Math.max(0, last - start) : 0,
  };
  if (stop !== undefined) t.meterStopWh = stop;
  if (last !== undefined) t.lastMeterWh = last;
  else if (stop !== undefined) t.lastMeterWh = stop;
  if (r.stopped_at !== null) t.stoppedAt = r.stopped_at as string;
  if (r.stop_reason !== null) t.stopReason = r.stop_reason as string;
  if (r.closed_at !== null) t.closedAt = r.closed_at as string;
  if (r.closed_by !== null) t.closedBy = r.closed_by as string;
  if (r.close_reason !== null) t.closeReason = r.close_reason as string;
  if (r.superseded_by !== null) t.supersededBy = r.superseded_by as number;
  if (r.reported_stopped_at !== null) {
    t.reportedStop = {
      meterStopWh: r.reported_meter_stop_wh as number,
      stoppedAt: r.reported_stopped_at as string,
      reason: r.reported_stop_reason as string,
    };
  }
  return t;
}

export function connectorFromRow(r: Row): ConnectorState {
  const c: ConnectorState = {
    evseId: r.evse_id as number,
    connectorId: r.connector_id as number,
    status: r.status as ConnectorStatus,
    original: r.original as string,
    updatedAt: r.updated_at as string,
  };
  if (r.charging_state !== null) c.chargingState = r.charging_state as ChargingState;
  if (r.error_code !== null) c.errorCode = r.error_code as string;
  if (r.info !== null) c.info = r.info as string;
  return c;
}

export interface IdTagRow {
  id_tag: string;
  status: string;
  expiry_date: string | null;
  parent_id_tag: string | null;
  created_at: string;
}

export function idTagFromRow(r: IdTagRow): IdTokenRecord {
  const tag: IdTokenRecord = { idTag: r.id_tag, status: r.status as IdTokenStatus, createdAt: r.created_at };
  if (r.expiry_date) tag.expiryDate = r.expiry_date;
  if (r.parent_id_tag) tag.parentIdTag = r.parent_id_tag;
  return tag;
}

export function nullable(v: string | number | undefined): string | number | null {
  return v === undefined ? null : v;
}
