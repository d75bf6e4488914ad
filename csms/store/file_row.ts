/** The `files` table's rows as StoredFile, alike for both engines. */
import { createHash } from "node:crypto";
import type { FileKind, StoredFile, TransferStatus } from "../../shared/files.ts";

export interface FileRow {
  id: number | string;
  kind: FileKind;
  charger_id: string | null;
  name: string;
  size: number | string;
  sha256: string;
  stored_at: string;
}

/** The columns a listing reads (never the content). */
export const FILE_COLUMNS = "id, kind, charger_id, name, size, sha256, stored_at";

export function fileFromRow(r: FileRow): StoredFile {
  return {
    id: Number(r.id),
    kind: r.kind,
    ...(r.charger_id !== null && { chargerId: r.charger_id }),
    name: r.name,
    size: Number(r.size),
    sha256: r.sha256,
    storedAt: r.stored_at,
  };
}

/** Hex SHA-256 of a file's content. */
export function sha256Hex(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

export interface TransferStatusRow {
  kind: FileKind;
  status: string;
  request_id: number | null;
  updated_at: string;
}

export function transferStatusFromRow(r: TransferStatusRow): TransferStatus {
  return {
    kind: r.kind,
    status: r.status,
    ...(r.request_id !== null && { requestId: Number(r.request_id) }),
    updatedAt: r.updated_at,
  };
}
