/**
 * Who may charge, in either protocol: the Authorize call and the authorization
 * cache, by the rules both protocols share (authorize remote starts or not,
 * trust the cache before asking, trust it offline, let unknown ids charge
 * offline, keep a cache at all). Each protocol names those settings its own
 * way and has its own idToken and answer shapes: Authorizer below for 1.6's
 * Core configuration keys, ocpp201/auth201.ts for 2.0.1's AuthCtrlr and
 * AuthCacheCtrlr variables.
 */
import { type IdTagInfo16, RpcClosedError } from "../shared/ocpp/mod.ts";
import type { ConfigStore } from "./config_store.ts";
import { errorText, type Warn } from "./events.ts";
import type { Session } from "./link.ts";
import { LocalList } from "./local_list.ts";

export type AuthVia = "local" | "remote";

/** The settings that govern authorization, by the names one protocol gives them. */
export interface AuthSettingKeys {
  /** When false, everyone may charge (2.0.1 AuthCtrlr.Enabled); absent: always on. */
  enabled?: string;
  authorizeRemoteStart: string;
  localPreAuthorize: string;
  localAuthorizeOffline: string;
  offlineTxForUnknownId: string;
  cacheEnabled: string;
}

/** Where those settings are read: the 1.6 configuration store or the 2.0.1 device model. */
export interface BoolSettings {
  getBool(key: string): boolean;
}

/** A cached answer good enough to charge on: Accepted, and not expired at `now`. */
export function acceptedUnexpired(
  status: string | undefined,
  expiry: string | undefined,
  now: number,
): boolean {
  if (status !== "Accepted") return false;
  return !expiry || Date.parse(expiry) > now;
}

/** 1.6's cache rule on an IdTagInfo. */
export function cachedAccepted(info: IdTagInfo16 | undefined, now: number): boolean {
  return acceptedUnexpired(info?.status, info?.expiryDate, now);
}

/** The protocol-neutral rules; `T` is the protocol's id token, `I` its answer about one. */
export abstract class TokenAuthorizer<T, I extends { status: string }> {
  protected readonly settings: BoolSettings;
  readonly #keys: AuthSettingKeys;
  readonly #warn: Warn;
  #cache = new Map<string, I>();

  constructor(settings: BoolSettings, keys: AuthSettingKeys, warn: Warn) {
    this.settings = settings;
    this.#keys = keys;
    this.#warn = warn;
  }

  /** The cache's key for a token. */
  protected abstract keyOf(token: T): string;
  /** When a cached answer stops counting, if ever. */
  protected abstract expiryOf(info: I): string | undefined;
  /** Sends Authorize while connected and registered; undefined when there is no session to ask on. */
  protected abstract ask(token: T): Promise<I> | undefined;

  /** The local authorization list's entry for a token, when the protocol has a list and it is enabled. */
  protected listed(_token: T): I | undefined {
    return undefined;
  }

  /**
   * Authorization by the protocol's settings, online or off. The local list comes before the cache (1.6
   * §3.5.3): its entry is the one trusted before asking (LocalPreAuthorize) and offline
   * (LocalAuthorizeOffline), and a tag it lists but not as Accepted is refused offline, not taken for an
   * unknown one. With the cache disabled, nothing cached counts.
   */
  async authorize(token: T, via: AuthVia): Promise<boolean> {
    const k = this.#keys;
    const on = (key: string) => this.settings.getBool(key);
    if (k.enabled && !on(k.enabled)) return true;
    if (via === "remote" && !on(k.authorizeRemoteStart)) return true;
    const listed = this.listed(token);
    const known = listed ?? (on(k.cacheEnabled) ? this.#cache.get(this.keyOf(token)) : undefined);
    const trusted = acceptedUnexpired(known?.status, known && this.expiryOf(known), Date.now());
    if (via === "local" && trusted && on(k.localPreAuthorize)) return true;
    const asked = this.ask(token);
    if (asked) {
      try {
        const info = await asked;
        this.remember(token, info);
        return info.status === "Accepted";
      } catch (err) {
        if (!(err instanceof RpcClosedError)) this.#warn(`Authorize failed: ${errorText(err)}`);
      }
    }
    if (trusted && on(k.localAuthorizeOffline)) return true;
    if (listed) return false;
    return on(k.offlineTxForUnknownId);
  }

  /** Any answer about a token (Authorize, a transaction message's) updates the cache, when it is enabled. */
  remember(token: T, info: I): void {
    if (this.settings.getBool(this.#keys.cacheEnabled)) this.#cache.set(this.keyOf(token), info);
  }

  protected clearCache(): void {
    this.#cache.clear();
  }
}

/** OCPP 1.6: idTags, the Core configuration keys and the local authorization list. */
export class Authorizer extends TokenAuthorizer<string, IdTagInfo16> {
  readonly #sendable: () => Session | undefined;
  readonly list = new LocalList();
  /** The parentIdTag last heard for each idTag, cache or not: a reservation may be held by a parent. */
  readonly #parents = new Map<string, string | undefined>();

  /** `sendable`: the session to ask on, while connected and registered. */
  constructor(config: ConfigStore, sendable: () => Session | undefined, warn: Warn) {
    super(config, {
      authorizeRemoteStart: "AuthorizeRemoteTxRequests",
      localPreAuthorize: "LocalPreAuthorize",
      localAuthorizeOffline: "LocalAuthorizeOffline",
      offlineTxForUnknownId: "AllowOfflineTxForUnknownId",
      cacheEnabled: "AuthorizationCacheEnabled",
    }, warn);
    this.#sendable = sendable;
  }

  protected keyOf(idTag: string): string {
    return idTag;
  }

  protected override listed(idTag: string): IdTagInfo16 | undefined {
    return this.settings.getBool("LocalAuthListEnabled") ? this.list.get(idTag) : undefined;
  }

  override remember(idTag: string, info: IdTagInfo16): void {
    this.#parents.set(idTag.toLowerCase(), info.parentIdTag);
    super.remember(idTag, info);
  }

  /** The parentIdTag the local list or the last answer about `idTag` gave, if any. */
  parentOf(idTag: string): string | undefined {
    return this.listed(idTag)?.parentIdTag ?? this.#parents.get(idTag.toLowerCase());
  }

  protected expiryOf(info: IdTagInfo16): string | undefined {
    return info.expiryDate;
  }

  protected ask(idTag: string): Promise<IdTagInfo16> | undefined {
    return this.#sendable()?.call("Authorize", { idTag }).then((res) => res.idTagInfo);
  }

  /** ClearCache (the local list stays: §5.4). */
  clear(): void {
    this.clearCache();
  }
}
