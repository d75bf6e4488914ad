/** Kept files in PostgreSQL (the `files` table), content as bytea; each write is committed when it resolves. */
import type { FileWithContent, StoredFile, TransferStatus } from "../../../shared/files.ts";
import type { FileStore } from "../../../shared/storage.ts";
import {
  FILE_COLUMNS,
  fileFromRow,
  type FileRow,
  sha256Hex,
  transferStatusFromRow,
  type TransferStatusRow,
} from "../file_row.ts";
import type { Sql } from "./pool.ts";

type ContentRow = FileRow & { content: Uint8Array | null };

const columns = FILE_COLUMNS;

/** The read side, for PostgresReads. */
export class PostgresFileReads {
  constructor(private readonly sql: Sql) {}

  async listFirmware(): Promise<StoredFile[]> {
    const rows = await this.sql.unsafe(
      `SELECT ${columns} FROM files WHERE kind = 'firmware' ORDER BY id DESC`,
    ) as unknown as FileRow[];
    return rows.map(fileFromRow);
  }

  async listUploads(chargerId: string): Promise<StoredFile[]> {
    const rows = await this.sql.unsafe(
      `SELECT ${columns} FROM files WHERE charger_id = $1 AND kind <> 'firmware' AND content IS NOT NULL
       ORDER BY stored_at DESC, id DESC`,
      [chargerId],
    ) as unknown as FileRow[];
    return rows.map(fileFromRow);
  }

  async transferStatuses(chargerId: string): Promise<TransferStatus[]> {
    const rows = await this.sql<TransferStatusRow[]>`
      SELECT kind, status, request_id, updated_at FROM transfer_status WHERE charger_id = ${chargerId}
      ORDER BY kind`;
    return rows.map(transferStatusFromRow);
  }

  async fileContent(id: number): Promise<FileWithContent | undefined> {
    const [row] = await this.sql.unsafe(
      `SELECT ${columns}, content FROM files WHERE id = $1 AND content IS NOT NULL`,
      [id],
    ) as unknown as ContentRow[];
    return row ? { file: fileFromRow(row), content: new Uint8Array(row.content!) } : undefined;
  }
}

export class PostgresFiles implements FileStore {
  constructor(private readonly sql: Sql) {}

  async putFirmware(
    f: { name: string; content: Uint8Array; token: string; at: string },
  ): Promise<StoredFile> {
    const [row] = await this.sql.unsafe(
      `INSERT INTO files (kind, token, name, size, sha256, content, stored_at)
       VALUES ('firmware', $1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
      [f.token, f.name, f.content.length, sha256Hex(f.content), f.content, f.at],
    ) as unknown as FileRow[];
    return fileFromRow(row);
  }

  async firmwareByToken(token: string): Promise<FileWithContent | undefined> {
    const [row] = await this.sql.unsafe(
      `SELECT ${columns}, content FROM files WHERE token = $1 AND kind = 'firmware'`,
      [token],
    ) as unknown as ContentRow[];
    return row?.content ? { file: fileFromRow(row), content: new Uint8Array(row.content) } : undefined;
  }

  async firmwareToken(id: number): Promise<{ token: string; name: string } | undefined> {
    const [row] = await this.sql<{ token: string; name: string }[]>`
      SELECT token, name FROM files WHERE id = ${id} AND kind = 'firmware'`;
    return row ? { token: row.token, name: row.name } : undefined;
  }

  async openUpload(slot: { token: string; chargerId: string; kind: "diagnostics" | "log"; at: string }) {
    await this.sql`
      INSERT INTO files (kind, charger_id, token, name, size, sha256, stored_at)
      VALUES (${slot.kind}, ${slot.chargerId}, ${slot.token}, '', 0, '', ${slot.at})`;
  }

  async transferStatus(chargerId: string, s: TransferStatus): Promise<void> {
    await this.sql`
      INSERT INTO transfer_status (charger_id, kind, status, request_id, updated_at)
      VALUES (${chargerId}, ${s.kind}, ${s.status}, ${s.requestId ?? null}, ${s.updatedAt})
      ON CONFLICT (charger_id, kind) DO UPDATE SET status = excluded.status, request_id = excluded.request_id,
        updated_at = excluded.updated_at`;
  }

  async receiveUpload(token: string, name: string, content: Uint8Array, at: string) {
    const [row] = await this.sql.unsafe(
      `UPDATE files SET name = $1, size = $2, sha256 = $3, content = $4, stored_at = $5
       WHERE token = $6 AND kind <> 'firmware' RETURNING ${columns}`,
      [name, content.length, sha256Hex(content), content, at, token],
    ) as unknown as FileRow[];
    return row ? fileFromRow(row) : undefined;
  }
}
