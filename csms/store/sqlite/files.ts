/**
 * Kept files in SQLite (the `files` table): firmware images and the uploads of chargers, content as a
 * BLOB. Writes go through the batch writer's `run`, so each is committed before it resolves; reads use
 * the connection given (the CSMS's own, or a portal's).
 */
import type { DatabaseSync } from "node:sqlite";
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
import type { BatchWriter, WriteStatement } from "./writer.ts";

type ContentRow = FileRow & { content: Uint8Array | null };

/** The read side, for SqliteReads. */
export class SqliteFileReads {
  constructor(private readonly db: DatabaseSync) {}

  listFirmware(): StoredFile[] {
    return (this.db.prepare(
      `SELECT ${FILE_COLUMNS} FROM files WHERE kind = 'firmware' ORDER BY id DESC`,
    ).all() as unknown as FileRow[]).map(fileFromRow);
  }

  listUploads(chargerId: string): StoredFile[] {
    return (this.db.prepare(
      `SELECT ${FILE_COLUMNS} FROM files WHERE charger_id = ? AND kind <> 'firmware' AND content IS NOT NULL
       ORDER BY stored_at DESC, id DESC`,
    ).all(chargerId) as unknown as FileRow[]).map(fileFromRow);
  }

  transferStatuses(chargerId: string): TransferStatus[] {
    return (this.db.prepare(
      "SELECT kind, status, request_id, updated_at FROM transfer_status WHERE charger_id = ? ORDER BY kind",
    ).all(chargerId) as unknown as TransferStatusRow[]).map(transferStatusFromRow);
  }

  fileContent(id: number): FileWithContent | undefined {
    const row = this.db.prepare(
      `SELECT ${FILE_COLUMNS}, content FROM files WHERE id = ? AND content IS NOT NULL`,
    )
      .get(id) as ContentRow | undefined;
    return row ? { file: fileFromRow(row), content: new Uint8Array(row.content!) } : undefined;
  }

  firmwareToken(id: number): { token: string; name: string } | undefined {
    const row = this.db.prepare("SELECT token, name FROM files WHERE id = ? AND kind = 'firmware'").get(id) as
      | { token: string; name: string }
      | undefined;
    return row ? { token: row.token, name: row.name } : undefined;
  }

  byToken(token: string): (ContentRow & { token: string }) | undefined {
    return this.db.prepare(`SELECT ${FILE_COLUMNS}, content, token FROM files WHERE token = ?`).get(token) as
      | (ContentRow & { token: string })
      | undefined;
  }
}

export class SqliteFiles implements FileStore {
  #writer: BatchWriter;
  #reads: SqliteFileReads;
  #s: Record<"insert" | "receive" | "status", WriteStatement>;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.#writer = writer;
    this.#reads = new SqliteFileReads(db);
    this.#s = {
      insert: writer.prepare(
        `INSERT INTO files (kind, charger_id, token, name, size, sha256, content, stored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      status: writer.prepare(
        `INSERT INTO transfer_status (charger_id, kind, status, request_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (charger_id, kind) DO UPDATE SET status = excluded.status, request_id = excluded.request_id,
           updated_at = excluded.updated_at`,
      ),
      receive: writer.prepare(
        `UPDATE files SET name = ?, size = ?, sha256 = ?, content = ?, stored_at = ? WHERE token = ?
           AND kind <> 'firmware'`,
      ),
    };
  }

  async putFirmware(
    f: { name: string; content: Uint8Array; token: string; at: string },
  ): Promise<StoredFile> {
    await this.#writer.run(this.#s.insert, [
      "firmware",
      null,
      f.token,
      f.name,
      f.content.length,
      sha256Hex(f.content),
      f.content,
      f.at,
    ]);
    return fileFromRow(this.#reads.byToken(f.token)!);
  }

  firmwareByToken(token: string): Promise<FileWithContent | undefined> {
    const row = this.#reads.byToken(token);
    if (!row || row.kind !== "firmware" || row.content === null) return Promise.resolve(undefined);
    return Promise.resolve({ file: fileFromRow(row), content: new Uint8Array(row.content) });
  }

  firmwareToken(id: number): Promise<{ token: string; name: string } | undefined> {
    return Promise.resolve(this.#reads.firmwareToken(id));
  }

  async openUpload(slot: { token: string; chargerId: string; kind: "diagnostics" | "log"; at: string }) {
    // An empty slot: no content yet, an empty name and digest until the upload fills them.
    await this.#writer.run(this.#s.insert, [slot.kind, slot.chargerId, slot.token, "", 0, "", null, slot.at]);
  }

  async transferStatus(chargerId: string, s: TransferStatus): Promise<void> {
    await this.#writer.run(this.#s.status, [chargerId, s.kind, s.status, s.requestId ?? null, s.updatedAt]);
  }

  async receiveUpload(token: string, name: string, content: Uint8Array, at: string) {
    const changed = await this.#writer.run(this.#s.receive, [
      name,
      content.length,
      sha256Hex(content),
      content,
      at,
      token,
    ]);
    if (changed === 0) return undefined;
    return fileFromRow(this.#reads.byToken(token)!);
  }
}
