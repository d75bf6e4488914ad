/**
 * Id tokens in SQLite. Operator changes are committed before they are answered; a tag first seen from a
 * charger (AUTH_POLICY=open) goes with the next batch, since a whole fleet may present new ones at once.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { IdTokenRecord, IdTokenStatus } from "../../../shared/domain.ts";
import { ID_TOKEN_RULE, idTokenProblem } from "../../../shared/identifiers.ts";
import type { IdTokenStore, Written } from "../../../shared/storage.ts";
import { idTagFromRow, type IdTagRow } from "./rows.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { committed, queued } from "./written.ts";

const ID_TAG_STATUSES: readonly IdTokenStatus[] = ["Accepted", "Blocked", "Expired", "Invalid"];

/** Why `tag` cannot be stored, or undefined when it can. */
export function idTagRecordProblem(tag: Omit<IdTokenRecord, "createdAt">): string | undefined {
  if (idTokenProblem(tag.idTag)) return `idTag must be ${ID_TOKEN_RULE}`;
  if (!ID_TAG_STATUSES.includes(tag.status)) return `status must be one of ${ID_TAG_STATUSES.join(", ")}`;
  if (tag.expiryDate !== undefined && Number.isNaN(Date.parse(tag.expiryDate))) {
    return "expiryDate must be an ISO 8601 date-time";
  }
  if (tag.parentIdTag !== undefined && tag.parentIdTag !== "") {
    if (idTokenProblem(tag.parentIdTag)) return `parentIdTag must be ${ID_TOKEN_RULE}`;
  }
  return undefined;
}

export class SqliteIdTokens implements IdTokenStore {
  #writer: BatchWriter;
  #find: StatementSync;
  #s: Record<"recordUnknown" | "upsert" | "delete", WriteStatement>;

  constructor(db: DatabaseSync, writer: BatchWriter) {
    this.#writer = writer;
    this.#find = db.prepare("SELECT * FROM id_tags WHERE id_tag = ?");
    this.#s = {
      recordUnknown: writer.prepare(
        "INSERT OR IGNORE INTO id_tags (id_tag, status, created_at) VALUES (?, 'Accepted', ?)",
      ),
      upsert: writer.prepare(
        `INSERT INTO id_tags (id_tag, status, expiry_date, parent_id_tag, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id_tag) DO UPDATE SET status = excluded.status, expiry_date = excluded.expiry_date,
           parent_id_tag = excluded.parent_id_tag`,
      ),
      delete: writer.prepare("DELETE FROM id_tags WHERE id_tag = ?"),
    };
  }

  /** The tag as committed (one first seen a moment ago may still be in the batch). */
  findNow(idTag: string): IdTokenRecord | undefined {
    const row = this.#find.get(idTag) as IdTagRow | undefined;
    return row ? idTagFromRow(row) : undefined;
  }

  find(idTag: string): Promise<IdTokenRecord | undefined> {
    return Promise.resolve(this.findNow(idTag));
  }

  recordUnknown(idTag: string, at: string): Promise<Written<void>> {
    this.#writer.write(this.#s.recordUnknown, [idTag, at]);
    return Promise.resolve(queued(undefined, this.#writer));
  }

  async put(tag: Omit<IdTokenRecord, "createdAt">): Promise<Written<IdTokenRecord>> {
    const problem = idTagRecordProblem(tag);
    if (problem) throw new RangeError(problem);
    const expiry = tag.expiryDate === undefined ? null : new Date(tag.expiryDate).toISOString();
    await this.#writer.run(this.#s.upsert, [
      tag.idTag,
      tag.status,
      expiry,
      tag.parentIdTag || null,
      new Date().toISOString(),
    ]);
    return committed(this.findNow(tag.idTag)!);
  }

  async delete(idTag: string): Promise<Written<boolean>> {
    return committed(await this.#writer.run(this.#s.delete, [idTag]) > 0);
  }
}
