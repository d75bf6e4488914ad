/**
 * Id tokens in PostgreSQL. OCPP idTokens are case-insensitive: a tag is found, replaced and deleted by
 * lower(id_tag) (the unique index id_tags_key), and keeps the case it was first written with.
 */
import type { IdTokenRecord, IdTokenStatus } from "../../../shared/domain.ts";
import { ID_TOKEN_RULE, idTokenProblem } from "../../../shared/identifiers.ts";
import type { IdTokenStore, Written } from "../../../shared/storage.ts";
import type { Sql } from "./pool.ts";
import { idTagFromRow } from "./rows.ts";
import { committed } from "./written.ts";

const ID_TAG_STATUSES: readonly IdTokenStatus[] = ["Accepted", "Blocked", "Expired", "Invalid"];

/** Why `tag` cannot be stored, or undefined when it can (the SQLite engine's rules). */
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

export class PostgresIdTokens implements IdTokenStore {
  constructor(private readonly sql: Sql) {}

  async find(idTag: string): Promise<IdTokenRecord | undefined> {
    const [row] = await this.sql`SELECT * FROM id_tags WHERE lower(id_tag) = lower(${idTag})`;
    return row ? idTagFromRow(row) : undefined;
  }

  async recordUnknown(idTag: string, at: string): Promise<Written<void>> {
    await this.sql`
      INSERT INTO id_tags (id_tag, status, created_at) VALUES (${idTag}, 'Accepted', ${at})
      ON CONFLICT ((lower(id_tag))) DO NOTHING`;
    return committed(undefined);
  }

  async put(tag: Omit<IdTokenRecord, "createdAt">): Promise<Written<IdTokenRecord>> {
    const problem = idTagRecordProblem(tag);
    if (problem) throw new RangeError(problem);
    const expiry = tag.expiryDate === undefined ? null : new Date(tag.expiryDate).toISOString();
    const [row] = await this.sql`
      INSERT INTO id_tags (id_tag, status, expiry_date, parent_id_tag, created_at)
      VALUES (${tag.idTag}, ${tag.status}, ${expiry}, ${tag.parentIdTag || null}, ${new Date().toISOString()})
      ON CONFLICT ((lower(id_tag))) DO UPDATE SET status = excluded.status,
        expiry_date = excluded.expiry_date, parent_id_tag = excluded.parent_id_tag
      RETURNING *`;
    return committed(idTagFromRow(row));
  }

  async delete(idTag: string): Promise<Written<boolean>> {
    const result = await this.sql`DELETE FROM id_tags WHERE lower(id_tag) = lower(${idTag})`;
    return committed(result.count > 0);
  }
}
