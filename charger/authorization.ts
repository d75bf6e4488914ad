/**
 * Who may charge: the Authorize call and the authorization cache, by the rules
 * of the Core configuration keys (AuthorizeRemoteTxRequests, LocalPreAuthorize,
 * LocalAuthorizeOffline, AllowOfflineTxForUnknownId, AuthorizationCacheEnabled).
 */
import { type IdTagInfo16, RpcClosedError } from "../shared/ocpp/mod.ts";
import type { ConfigStore } from "./config_store.ts";
import { errorText, type Warn } from "./events.ts";
import type { Session } from "./link.ts";

export type AuthVia = "local" | "remote";

/** A cached answer good enough to charge on: Accepted, and not expired at `now`. */
export function cachedAccepted(info: IdTagInfo16 | undefined, now: number): boolean {
  if (!info || info.status !== "Accepted") return false;
  return !info.expiryDate || Date.parse(info.expiryDate) > now;
}

export class Authorizer {
  readonly #config: ConfigStore;
  readonly #sendable: () => Session | undefined;
  readonly #warn: Warn;
  #cache = new Map<string, IdTagInfo16>();

  /** `sendable`: the session to ask on, while connected and registered. */
  constructor(config: ConfigStore, sendable: () => Session | undefined, warn: Warn) {
    this.#config = config;
    this.#sendable = sendable;
    this.#warn = warn;
  }

  /** Authorization by the rules of the Core configuration keys, online or off. */
  async authorize(idTag: string, via: AuthVia): Promise<boolean> {
    if (via === "remote" && !this.#config.getBool("AuthorizeRemoteTxRequests")) return true;
    const cached = cachedAccepted(this.#cache.get(idTag), Date.now());
    if (via === "local" && cached && this.#config.getBool("LocalPreAuthorize")) return true;
    const session = this.#sendable();
    if (session) {
      try {
        const res = await session.call("Authorize", { idTag });
        this.remember(idTag, res.idTagInfo);
        return res.idTagInfo.status === "Accepted";
      } catch (err) {
        if (!(err instanceof RpcClosedError)) this.#warn(`Authorize failed: ${errorText(err)}`);
      }
    }
    if (cached && this.#config.getBool("LocalAuthorizeOffline")) return true;
    return this.#config.getBool("AllowOfflineTxForUnknownId");
  }

  /** Any answer about an idTag (Authorize, Start, Stop) updates the cache, when it is enabled. */
  remember(idTag: string, info: IdTagInfo16): void {
    if (this.#config.getBool("AuthorizationCacheEnabled")) this.#cache.set(idTag, info);
  }

  /** ClearCache. */
  clear(): void {
    this.#cache.clear();
  }
}
