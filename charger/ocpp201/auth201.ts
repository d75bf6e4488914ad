/**
 * Who may charge (C01, C10-C12): authorization.ts's rules with 2.0.1's idTokens and the AuthCtrlr /
 * AuthCacheCtrlr variables that govern them.
 */
import { TokenAuthorizer } from "../authorization.ts";
import type { Warn } from "../events.ts";
import type { DeviceModel } from "./device_model.ts";
import type { IdToken, Ocpp201, Session201 } from "./types.ts";

export type IdTokenInfo = Ocpp201.AuthorizeResponse["idTokenInfo"];

export class Authorizer201 extends TokenAuthorizer<IdToken, IdTokenInfo> {
  readonly #sendable: () => Session201 | undefined;

  constructor(model: DeviceModel, sendable: () => Session201 | undefined, warn: Warn) {
    super(model, {
      enabled: "AuthCtrlr.Enabled",
      authorizeRemoteStart: "AuthCtrlr.AuthorizeRemoteStart",
      localPreAuthorize: "AuthCtrlr.LocalPreAuthorize",
      localAuthorizeOffline: "AuthCtrlr.LocalAuthorizeOffline",
      offlineTxForUnknownId: "AuthCtrlr.OfflineTxForUnknownIdEnabled",
      cacheEnabled: "AuthCacheCtrlr.Enabled",
    }, warn);
    this.#sendable = sendable;
  }

  protected keyOf(idToken: IdToken): string {
    return idToken.idToken;
  }

  protected expiryOf(info: IdTokenInfo): string | undefined {
    return info.cacheExpiryDateTime;
  }

  protected ask(idToken: IdToken): Promise<IdTokenInfo> | undefined {
    return this.#sendable()?.call("Authorize", { idToken }).then((res) => res.idTokenInfo);
  }

  /** ClearCache (C11): Rejected while the cache is disabled. */
  clear(): "Accepted" | "Rejected" {
    if (!this.settings.getBool("AuthCacheCtrlr.Enabled")) return "Rejected";
    this.clearCache();
    return "Accepted";
  }
}
