/**
 * The charger page's Files card (OCPP 1.6 firmware and diagnostics): when what it shows may have changed,
 * and how statuses and sizes read. Pure.
 */
import type { BusEvent } from "../../shared/events.ts";
import type { FileKind, TransferStatus } from "../../shared/files.ts";

/** A status notification or an upload arrived: both are stored before the event is published. */
export function transfersMayHaveChanged(event: BusEvent): boolean {
  return event.type === "charger.transfer";
}

const KIND_LABEL: Record<FileKind, string> = { firmware: "Firmware", diagnostics: "Diagnostics", log: "Log" };

export function kindLabel(kind: FileKind): string {
  return KIND_LABEL[kind];
}

const DONE = new Set(["Installed", "Uploaded", "SignatureVerified", "Downloaded", "Idle"]);
const FAILED = /Failed|Failure|Invalid|BadMessage|PermissionDenied|NotSupported/;

/** The class a status reads in: failures err, finished ok, the rest (in progress) pending. */
export function statusTone(status: string): "tone-ok" | "tone-err" | "tone-warn" {
  if (FAILED.test(status)) return "tone-err";
  return DONE.has(status) ? "tone-ok" : "tone-warn";
}

/** One line per kind, in a fixed order, for the kinds the charger reported. */
export function statusLines(statuses: readonly TransferStatus[]): TransferStatus[] {
  const order: FileKind[] = ["firmware", "diagnostics", "log"];
  return order.flatMap((k) => statuses.filter((s) => s.kind === k));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
