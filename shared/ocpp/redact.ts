/**
 * The secrets OCPP messages carry, and their removal from every copy of a
 * message that is kept or shown (the frame log, the event log, the portal, the
 * console). The message sent to the charger keeps them: this only makes the
 * copies. Pure.
 *
 * The rules go by the shape of the data, not by the action, so that answers
 * (GetConfiguration, GetVariables) and frames whose action is unknown (a late
 * answer, a garbled frame) are covered by the same rules as requests:
 *
 * - `{ key: "AuthorizationKey", value }` (1.6 ChangeConfiguration.req, GetConfiguration.conf): the value;
 * - a `variable` named BasicAuthPassword (2.0.1 SetVariables.req, GetVariables.conf, NotifyReport.req):
 *   its `attributeValue`, and the `value` of each of its `variableAttribute`s;
 * - properties that are secrets by name (2.0.1 SetNetworkProfile's `vpn.password`, `vpn.key`,
 *   `apn.apnPassword`, `apn.simPin`; any `password` or `authorization`);
 * - in any string: a PEM "PRIVATE KEY" block (InstallCertificate, CertificateSigned, DataTransfer, ...),
 *   and a whole string that is an HTTP Basic or Bearer credential (an Authorization header's value).
 *
 * Text that is not JSON (a garbled or cut frame) is redacted by patterns of the same rules.
 */

import { isAuthorizationKey } from "./authorization_key.ts";

/** What a secret is replaced with. */
export const REDACTED = "***";

/**
 * Secrets shorter than this are not searched for as plain text (an echo in a charger's error description):
 * a short one (a SIM PIN) would hit unrelated digits. Every AuthorizationKey is longer.
 */
export const MIN_ECHO_LENGTH = 8;

/** Deeper than any OCPP payload: a subtree below it is not inspected but replaced whole. */
export const MAX_DEPTH = 64;

/** Property names whose value is a secret whatever holds them (compared in lower case). */
const SECRET_PROPERTIES: ReadonlySet<string> = new Set([
  "password",
  "apnpassword",
  "simpin",
  "basicauthpassword",
  "authorizationkey",
  "authorization",
]);
/** Secret only inside a 2.0.1 VPN profile (its pre-shared key), where `key` is not a configuration key. */
const VPN = "vpn";
const BASIC_AUTH_PASSWORD = "basicauthpassword";

const PEM_PRIVATE_KEY =
  /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const CREDENTIAL = /^\s*(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}\s*$/i;
/**
 * Cheap test run on every frame: only text that matches is parsed again. Unicode escapes are included
 * because they could spell any of the words.
 */
const MAY_HOLD_SECRET = /authorization|password|simpin|"vpn"|private key|basic |bearer |\\u/i;

export interface Redacted<T> {
  value: T;
  /** The secrets removed, for finding them echoed elsewhere (only those of MIN_ECHO_LENGTH or more). */
  secrets: readonly string[];
}

/**
 * What a text without secrets gives: shared, because nearly every frame is one (two frames per message,
 * and an array each was garbage of issue 15's hot path).
 */
const NO_SECRETS: readonly string[] = Object.freeze([]);

/** Whether a text may hold a secret; false means redactFrameText would return it unchanged. */
export function mayHoldSecret(text: string, alsoHide?: readonly string[]): boolean {
  if (MAY_HOLD_SECRET.test(text)) return true;
  // A loop, not alsoHide.some(): no closure, nor a default array, made per frame.
  if (alsoHide) { for (const s of alsoHide) if (text.includes(s)) return true; }
  return false;
}

class Walk {
  secrets: string[] = [];
  constructor(readonly alsoHide: readonly string[]) {}

  /** The secret's replacement, remembering the secret. */
  hide(secret: unknown): string {
    if (typeof secret === "string" && secret.length >= MIN_ECHO_LENGTH && !this.secrets.includes(secret)) {
      this.secrets.push(secret);
    }
    return REDACTED;
  }

  string(s: string): string {
    let out = s.replace(PEM_PRIVATE_KEY, (_, kind: string) => {
      return `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`;
    });
    const credential = CREDENTIAL.exec(out);
    if (credential) return `${credential[1]} ${REDACTED}`;
    for (const secret of this.alsoHide) {
      if (secret.length >= MIN_ECHO_LENGTH) out = out.replaceAll(secret, REDACTED);
    }
    return out;
  }

  /** The value with its secrets replaced; the same value when it holds none. */
  value(v: unknown, depth: number): unknown {
    if (typeof v === "string") return this.string(v);
    if (typeof v !== "object" || v === null) return v;
    if (depth >= MAX_DEPTH) return REDACTED;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const w = this.value(v[i], depth + 1);
        if (w !== v[i]) (out ??= [...v])[i] = w;
      }
      return out ?? v;
    }
    return this.object(v as Record<string, unknown>, depth);
  }

  object(o: Record<string, unknown>, depth: number, vpn = false): Record<string, unknown> {
    const names = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
    const secretName = (k: string) => {
      const lower = k.toLowerCase();
      return SECRET_PROPERTIES.has(lower) || (vpn && lower === "key");
    };
    const variable = o[names.get("variable") ?? ""] as { name?: unknown } | undefined;
    const isBasicAuthPassword = typeof variable?.name === "string" &&
      variable.name.toLowerCase() === BASIC_AUTH_PASSWORD;
    const isKeyEntry = isAuthorizationKey(o[names.get("key") ?? ""]);
    let changed = false;
    const entries = Object.entries(o).map(([k, v]): [string, unknown] => {
      const lower = k.toLowerCase();
      let w: unknown;
      if (v !== null && v !== undefined && secretName(k)) w = this.hide(v);
      else if (isKeyEntry && lower === "value" && v !== null) w = this.hide(v);
      else if (isBasicAuthPassword && lower === "attributevalue" && v !== null) w = this.hide(v);
      else if (isBasicAuthPassword && lower === "variableattribute" && Array.isArray(v)) {
        w = v.map((a) => {
          if (typeof a !== "object" || a === null || !("value" in a)) return this.value(a, depth + 2);
          return { ...this.object(a as Record<string, unknown>, depth + 2), value: this.hide(a.value) };
        });
      } else if (lower === VPN && typeof v === "object" && v !== null && !Array.isArray(v)) {
        w = depth + 1 >= MAX_DEPTH ? REDACTED : this.object(v as Record<string, unknown>, depth + 1, true);
      } else w = this.value(v, depth + 1);
      if (w !== v) changed = true;
      return [k, w];
    });
    // fromEntries defines properties, so a "__proto__" key from JSON stays a plain property.
    return changed ? Object.fromEntries(entries) : o;
  }
}

/** A copy of `value` (an OCPP payload, a command result) without its secrets, and the secrets removed. */
export function redactValue<T>(value: T, alsoHide: readonly string[] = []): Redacted<T> {
  const walk = new Walk(alsoHide);
  return { value: walk.value(value, 0) as T, secrets: walk.secrets };
}

export interface FrameTextOptions {
  /** Secrets to remove wherever they appear (the ones sent in the CALL this frame answers). */
  alsoHide?: readonly string[];
  /**
   * The text is known to be JSON (the RPC session read it): then a text without any of the words of a
   * secret is returned at once, without being parsed a second time. Text that is not JSON has no such
   * shortcut: a cut or garbled frame may hold a secret value whose key name never made it.
   */
  json?: boolean;
}

/**
 * A frame's text without its secrets: parsed, redacted and serialized again when it may hold one, else
 * returned as it is; redacted by pattern when it is not JSON.
 */
export function redactFrameText(text: string, options: FrameTextOptions = {}): Redacted<string> {
  if (options.json && !mayHoldSecret(text, options.alsoHide)) return { value: text, secrets: NO_SECRETS };
  const alsoHide = options.alsoHide ?? NO_SECRETS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactTextByPattern(text, alsoHide);
  }
  const r = redactValue(parsed, alsoHide);
  return r.value === parsed
    ? { value: text, secrets: NO_SECRETS }
    : { value: JSON.stringify(r.value), secrets: r.secrets };
}

/** Actions whose `value`s may be secrets (configuration and device-model variables), in 1.6 and 2.0.1. */
const ACTIONS_WITH_SECRET_VALUES: ReadonlySet<string> = new Set([
  "ChangeConfiguration",
  "GetConfiguration",
  "SetVariables",
  "GetVariables",
  "NotifyReport",
]);
const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*(?:"|$)`;
/** The action of a text that starts like a CALL: `[2, "id", "Action"`. */
const CALL_HEAD = new RegExp(String.raw`^\s*\[\s*2\s*,\s*${JSON_STRING}\s*,\s*"([^"\\]*)"`);
const NAMES_SECRET_VALUE = /authorizationkey|basicauthpassword/i;
const SECRET_PROPERTY = new RegExp(
  String.raw`("(?:${[...SECRET_PROPERTIES].join("|")})"\s*:\s*)(${JSON_STRING}|[^\s,}\]]+)`,
  "gi",
);
const VALUE_PROPERTY = new RegExp(String.raw`("(?:value|attributeValue)"\s*:\s*)(${JSON_STRING})`, "gi");
const VPN_KEY = new RegExp(String.raw`("vpn"\s*:\s*\{[^{}]*?"key"\s*:\s*)(${JSON_STRING})`, "gi");
const HEADER_CREDENTIAL = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi;

/**
 * Text that is not JSON (a garbled frame, a frame cut short), redacted by patterns of the same rules:
 * values of secret properties, PEM private keys (to their end or the text's), credentials after Basic or
 * Bearer, and `alsoHide`. Which configuration value is the secret cannot be told in broken text, so
 * every `value` and `attributeValue` goes, unless the text is a CALL of an action that carries no
 * configuration values and names no secret key (a garbled MeterValues keeps its readings).
 */
export function redactTextByPattern(text: string, alsoHide: readonly string[] = []): Redacted<string> {
  const walk = new Walk(alsoHide);
  const secretOf = (quoted: string) => {
    try {
      walk.hide(JSON.parse(quoted));
    } catch {
      walk.hide(quoted.replace(/^"/, "").replace(/"$/, ""));
    }
    return `"${REDACTED}"`;
  };
  const action = CALL_HEAD.exec(text)?.[1];
  const valuesAtRisk = action === undefined || ACTIONS_WITH_SECRET_VALUES.has(action) ||
    NAMES_SECRET_VALUE.test(text);
  let out = text;
  if (valuesAtRisk) {
    out = out.replace(VALUE_PROPERTY, (_, head: string, quoted: string) => head + secretOf(quoted));
  }
  out = out.replace(SECRET_PROPERTY, (_, head: string, v: string) => head + secretOf(v));
  out = out.replace(VPN_KEY, (_, head: string, quoted: string) => head + secretOf(quoted));
  out = out.replace(HEADER_CREDENTIAL, (_, scheme: string) => `${scheme} ${REDACTED}`);
  return { value: walk.string(out), secrets: walk.secrets };
}
