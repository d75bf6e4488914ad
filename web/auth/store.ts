/**
 * Operators' credentials' records and the store contract the Auth service uses. The stores themselves
 * are in web/store/ (portal.db, or PostgreSQL shared by every portal node); this module only names their
 * types, so a browser island can import them without pulling a database driver into its bundle.
 */
export type { AuthStore, SessionRecord, TokenRecord, UserRecord } from "../store/portal_store.ts";
