/** Kept files in PostgreSQL (the `files` table), content as bytea; each write is committed when it resolves. */
import type { FileWithContent, StoredFile } from "../../../shared/files.ts";
import type { FileStore } from "../../../shared/storage.ts";
import { FILE_COLUMNS, fileFromRow, type FileRow, sha256Hex } from "../file_row.ts";
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

  async receiveUpload(token: string, name: string, content: Uint8Array, at: string) {
    const [row] = await this.sql.unsafe(
      `UPDATE files SET name = $1, size = $2, sha256 = $3, content = $4, stored_at = $5
       WHERE token = $6 AND kind <> 'firmware' RETURNING ${columns}`,
      [name, content.length, sha256Hex(content), content, at, token],
    ) as unknown as FileRow[];
    return row ? fileFromRow(row) : undefined;
  }
}
