/**
 * Who may charge (C01, C10-C12): Authorize online, the authorization cache, and the AuthCtrlr /
 * AuthCacheCtrlr variables that govern them.
 */
import { errorText, RpcClosedError } from "../../shared/ocpp/errors.ts";
import type { Warn } from "../events.ts";
import type { DeviceModel } from "./device_model.ts";
import type { IdToken, Ocpp201, Session201 } from "./types.ts";

export type IdTokenInfo = Ocpp201.AuthorizeResponse["idTokenInfo"];

/** A cached answer good enough to charge on: Accepted and not expired at `now`. */
export function cacheAccepts(info: IdTokenInfo | undefined, now: number): boolean {
  if (!info || info.status !== "Accepted") return false;
  return !info.cacheExpiryDateTime || Date.parse(info.cacheExpiryDateTime) > now;
}

export class Authorizer201 {
  readonly #model: DeviceModel;
  readonly #sendable: () => Session201 | undefined;
  readonly #warn: Warn;
  #cache = new Map<string, IdTokenInfo>();

  constructor(model: DeviceModel, sendable: () => Session201 | undefined, warn: Warn) {
    this.#model = model;
    this.#sendable = sendable;
    this.#warn = warn;
  }

  async authorize(idToken: IdToken, via: "local" | "remote"): Promise<boolean> {
    if (!this.#model.getBool("AuthCtrlr.Enabled")) return true;
    if (via === "remote" && !this.#model.getBool("AuthCtrlr.AuthorizeRemoteStart")) return true;
    const cached = cacheAccepts(this.#cache.get(idToken.idToken), Date.now());
    if (via === "local" && cached && this.#model.getBool("AuthCtrlr.LocalPreAuthorize")) return true;
    const session = this.#sendable();
    if (session) {
      try {
        const res = await session.call("Authorize", { idToken });
        this.remember(idToken, res.idTokenInfo);
        return res.idTokenInfo.status === "Accepted";
      } catch (err) {
        if (!(err instanceof RpcClosedError)) this.#warn(`Authorize failed: ${errorText(err)}`);
      }
    }
    if (cached && this.#model.getBool("AuthCtrlr.LocalAuthorizeOffline")) return true;
    return this.#model.getBool("AuthCtrlr.OfflineTxForUnknownIdEnabled");
  }

  remember(idToken: IdToken, info: IdTokenInfo): void {
    if (this.#model.getBool("AuthCacheCtrlr.Enabled")) this.#cache.set(idToken.idToken, info);
  }

  /** ClearCache (C11): Rejected while the cache is disabled. */
  clear(): "Accepted" | "Rejected" {
    if (!this.#model.getBool("AuthCacheCtrlr.Enabled")) return "Rejected";
    this.#cache.clear();
    return "Accepted";
  }
}
