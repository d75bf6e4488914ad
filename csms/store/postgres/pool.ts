/** The PostgreSQL engine's pool: the fleet database's (db/postgres.ts, which says why postgres.js). */
export { type Fragment, openPool, type PoolOptions, type Sql, type TxSql } from "../../../db/postgres.ts";
