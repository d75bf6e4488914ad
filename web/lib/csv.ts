/** CSV export of transactions (RFC 4180: CRLF line ends, fields quoted when they need it). Pure. */
import type { TransactionRecord } from "../../shared/queries.ts";

export const TRANSACTION_CSV_HEADER = [
  "transaction_id",
  /** The charger's own id for it (2.0.1's transactionId; for 1.6 the same number). */
  "charger_transaction_id",
  "charger_id",
  "evse_id",
  "connector_id",
  "id_tag",
  "started_at",
  "stopped_at",
  "duration_s",
  "meter_start_wh",
  "meter_stop_wh",
  "energy_wh",
  "energy_kwh",
  "stop_reason",
] as const;

export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  let text = String(value);
  // A leading =, +, - or @ makes spreadsheets run the cell as a formula; a quote mark defuses it.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function transactionCsvRow(t: TransactionRecord): string {
  const duration = t.stoppedAt
    ? Math.round((Date.parse(t.stoppedAt) - Date.parse(t.startedAt)) / 1000)
    : undefined;
  return [
    t.id,
    t.chargerTransactionId,
    t.chargerId,
    t.evseId,
    t.connectorId,
    t.idTag,
    t.startedAt,
    t.stoppedAt,
    duration !== undefined && Number.isFinite(duration) ? duration : undefined,
    t.meterStartWh,
    t.meterStopWh,
    t.energyWh,
    (t.energyWh / 1000).toFixed(3),
    t.stopReason,
  ].map(csvField).join(",");
}

export function transactionsCsv(items: Iterable<TransactionRecord>): string {
  const lines = [TRANSACTION_CSV_HEADER.join(",")];
  for (const t of items) lines.push(transactionCsvRow(t));
  return lines.join("\r\n") + "\r\n";
}
