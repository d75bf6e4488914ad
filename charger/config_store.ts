/**
 * The charge point's configuration store: the OCPP 1.6 Core keys (and the
 * RemoteTrigger profile's), their types, readonly flags and value rules, with
 * the GetConfiguration and ChangeConfiguration semantics of the spec (§9.1),
 * and the security whitepaper's AuthorizationKey.
 * Keys are matched case-insensitively (they are CiStrings) and answered in
 * their canonical spelling. Pure: no I/O; listeners hear accepted changes.
 */
import { AUTHORIZATION_KEY, keyProblem } from "../shared/ocpp/authorization_key.ts";
import type { Ocpp16 } from "../shared/ocpp/mod.ts";

export type ConfigKind = "int" | "bool" | "csl" | "string";

export interface ConfigKeyDef {
  key: string;
  kind: ConfigKind;
  readonly: boolean;
  value: string;
  /** Inclusive bounds for integers. */
  min?: number;
  max?: number;
  /** For comma-separated lists: the allowed items, and the key holding the list's maximum length. */
  items?: readonly string[];
  maxItemsKey?: string;
  /** For lists whose items follow a pattern instead of a closed set. */
  itemPattern?: RegExp;
  /** Takes effect only after a reboot: ChangeConfiguration answers RebootRequired. */
  rebootRequired?: boolean;
  /** Can be set but never read back: GetConfiguration lists the key without its value. */
  writeOnly?: boolean;
  /** For strings: why a value is refused, or undefined when it is taken. */
  problem?: (value: string) => string | undefined;
}

export type ChangeStatus = Ocpp16.ChangeConfigurationResponse["status"];

/** Measurands this simulator can sample; the *SampledData / *AlignedData keys accept only these. */
export const SUPPORTED_MEASURANDS = [
  "Energy.Active.Import.Register",
  "Power.Active.Import",
  "Power.Offered",
  "Current.Import",
  "Current.Offered",
  "Voltage",
  "SoC",
] as const;
export type Measurand = (typeof SUPPORTED_MEASURANDS)[number];

const INT32_MAX = 2_147_483_647;
const PHASE_ROTATION = /^\d+\.(RST|RTS|SRT|STR|TRS|TSR|NotApplicable|Unknown)$/;

export interface CoreConfigOptions {
  connectors: number;
}

/** The Core profile keys (OCPP 1.6 §9.1) that this charge point implements, with its defaults. */
export function coreKeyDefs(opts: CoreConfigOptions): ConfigKeyDef[] {
  const measurands = { items: SUPPORTED_MEASURANDS };
  const rotation = Array.from({ length: opts.connectors + 1 }, (_, i) => `${i}.RST`).join(",");
  return [
    { key: "AllowOfflineTxForUnknownId", kind: "bool", readonly: false, value: "false" },
    { key: "AuthorizationCacheEnabled", kind: "bool", readonly: false, value: "true" },
    { key: "AuthorizeRemoteTxRequests", kind: "bool", readonly: false, value: "false" },
    { key: "ClockAlignedDataInterval", kind: "int", readonly: false, value: "0", min: 0, max: 86_400 },
    { key: "ConnectionTimeOut", kind: "int", readonly: false, value: "60", min: 0, max: INT32_MAX },
    {
      key: "ConnectorPhaseRotation",
      kind: "csl",
      readonly: false,
      value: rotation,
      itemPattern: PHASE_ROTATION,
      maxItemsKey: "ConnectorPhaseRotationMaxLength",
    },
    {
      key: "ConnectorPhaseRotationMaxLength",
      kind: "int",
      readonly: true,
      value: String(opts.connectors + 1),
    },
    { key: "GetConfigurationMaxKeys", kind: "int", readonly: true, value: "64" },
    { key: "HeartbeatInterval", kind: "int", readonly: false, value: "300", min: 1, max: INT32_MAX },
    // LocalAuthListManagement profile (§9.2): the local list's switch and sizes.
    { key: "LocalAuthListEnabled", kind: "bool", readonly: false, value: "true" },
    { key: "LocalAuthListMaxLength", kind: "int", readonly: true, value: "1000" },
    { key: "LocalAuthorizeOffline", kind: "bool", readonly: false, value: "true" },
    { key: "LocalPreAuthorize", kind: "bool", readonly: false, value: "false" },
    {
      key: "MeterValuesAlignedData",
      kind: "csl",
      readonly: false,
      value: "Energy.Active.Import.Register",
      ...measurands,
      maxItemsKey: "MeterValuesAlignedDataMaxLength",
    },
    { key: "MeterValuesAlignedDataMaxLength", kind: "int", readonly: true, value: "7" },
    {
      key: "MeterValuesSampledData",
      kind: "csl",
      readonly: false,
      value: "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC",
      ...measurands,
      maxItemsKey: "MeterValuesSampledDataMaxLength",
    },
    { key: "MeterValuesSampledDataMaxLength", kind: "int", readonly: true, value: "7" },
    // 10 s rather than the common 60 s: a simulator is mostly watched live.
    { key: "MeterValueSampleInterval", kind: "int", readonly: false, value: "10", min: 0, max: INT32_MAX },
    { key: "NumberOfConnectors", kind: "int", readonly: true, value: String(opts.connectors) },
    // Reservation profile (§9.3): connector 0 may be reserved (any connector will do).
    { key: "ReserveConnectorZeroSupported", kind: "bool", readonly: true, value: "true" },
    { key: "ResetRetries", kind: "int", readonly: false, value: "3", min: 0, max: 100 },
    { key: "SendLocalListMaxLength", kind: "int", readonly: true, value: "100" },
    { key: "StopTransactionOnEVSideDisconnect", kind: "bool", readonly: false, value: "true" },
    { key: "StopTransactionOnInvalidId", kind: "bool", readonly: false, value: "true" },
    {
      key: "StopTxnAlignedData",
      kind: "csl",
      readonly: false,
      value: "",
      ...measurands,
      maxItemsKey: "StopTxnAlignedDataMaxLength",
    },
    { key: "StopTxnAlignedDataMaxLength", kind: "int", readonly: true, value: "7" },
    {
      key: "StopTxnSampledData",
      kind: "csl",
      readonly: false,
      value: "Energy.Active.Import.Register",
      ...measurands,
      maxItemsKey: "StopTxnSampledDataMaxLength",
    },
    { key: "StopTxnSampledDataMaxLength", kind: "int", readonly: true, value: "7" },
    {
      key: "SupportedFeatureProfiles",
      kind: "csl",
      readonly: true,
      value: "Core,FirmwareManagement,LocalAuthListManagement,RemoteTrigger,Reservation,SmartCharging",
    },
    { key: "TransactionMessageAttempts", kind: "int", readonly: false, value: "3", min: 1, max: 100 },
    {
      key: "TransactionMessageRetryInterval",
      kind: "int",
      readonly: false,
      value: "30",
      min: 1,
      max: 86_400,
    },
    { key: "UnlockConnectorOnEVSideDisconnect", kind: "bool", readonly: false, value: "true" },
    ...smartChargingKeyDefs(),
    // Security whitepaper (profile 1/2): the Basic auth password, used from the next connection on. Empty:
    // the one the charge point was started with (--password). Write-only, as the whitepaper has it.
    {
      key: AUTHORIZATION_KEY,
      kind: "string",
      readonly: false,
      value: "",
      writeOnly: true,
      problem: keyProblem,
    },
    // Security whitepaper: how many root certificates the store keeps (charger/certificates.ts), and the
    // organisation named in the charge point certificate's CSR.
    { key: "CertificateStoreMaxLength", kind: "int", readonly: true, value: "10" },
    { key: "CpoName", kind: "string", readonly: false, value: "Chargewire" },
  ];
}

/**
 * The Smart Charging profile's keys (§9.4): the bounds SetChargingProfile is checked against
 * (charging_profiles.ts). Readonly, as the spec has them; a simulator's command line may set them.
 */
export function smartChargingKeyDefs(): ConfigKeyDef[] {
  return [
    { key: "ChargeProfileMaxStackLevel", kind: "int", readonly: true, value: "8", min: 0, max: 1_000 },
    {
      key: "ChargingScheduleAllowedChargingRateUnit",
      kind: "csl",
      readonly: true,
      value: "Current,Power",
      items: ["Current", "Power"],
    },
    { key: "ChargingScheduleMaxPeriods", kind: "int", readonly: true, value: "48", min: 1, max: 1_000 },
    { key: "MaxChargingProfilesInstalled", kind: "int", readonly: true, value: "20", min: 1, max: 1_000 },
  ];
}

export type ConfigListener = (key: string, value: string) => void;

export class ConfigStore {
  #defs = new Map<string, ConfigKeyDef>();
  #values = new Map<string, string>();
  #listeners: ConfigListener[] = [];

  constructor(defs: readonly ConfigKeyDef[]) {
    for (const d of defs) {
      this.#defs.set(d.key.toLowerCase(), d);
      this.#values.set(d.key.toLowerCase(), d.value);
    }
  }

  /** The canonical spelling of a key, or undefined when the store does not know it. */
  canonical(key: string): string | undefined {
    return this.#defs.get(key.toLowerCase())?.key;
  }

  get(key: string): string | undefined {
    return this.#values.get(key.toLowerCase());
  }

  getInt(key: string): number {
    const n = Number(this.get(key));
    return Number.isFinite(n) ? n : 0;
  }

  getBool(key: string): boolean {
    return this.get(key) === "true";
  }

  getList(key: string): string[] {
    return splitList(this.get(key) ?? "");
  }

  onChange(listener: ConfigListener): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** GetConfiguration: every key when none are asked for; unknown keys listed apart. */
  getConfiguration(keys?: readonly string[]): Ocpp16.GetConfigurationResponse {
    const wanted = keys && keys.length > 0 ? keys : [...this.#defs.values()].map((d) => d.key);
    const configurationKey: NonNullable<Ocpp16.GetConfigurationResponse["configurationKey"]> = [];
    const unknownKey: string[] = [];
    for (const k of wanted) {
      const d = this.#defs.get(k.toLowerCase());
      if (!d) unknownKey.push(k);
      else if (d.writeOnly) configurationKey.push({ key: d.key, readonly: d.readonly });
      else {configurationKey.push({
          key: d.key,
          readonly: d.readonly,
          value: this.#values.get(k.toLowerCase()),
        });}
    }
    return unknownKey.length > 0 ? { configurationKey, unknownKey } : { configurationKey };
  }

  /** ChangeConfiguration from the central system: NotSupported for unknown keys, Rejected for readonly or bad values. */
  change(key: string, value: string): ChangeStatus {
    const d = this.#defs.get(key.toLowerCase());
    if (!d) return "NotSupported";
    if (d.readonly) return "Rejected";
    const normal = this.normalize(d, value);
    if (normal === undefined) return "Rejected";
    this.#store(d, normal);
    return d.rebootRequired ? "RebootRequired" : "Accepted";
  }

  /**
   * Sets a value from the charge point itself (the boot's heartbeat interval,
   * the command line): readonly keys may be set, but the value must still be valid.
   * Returns an error message, or undefined when it was stored.
   */
  set(key: string, value: string): string | undefined {
    const d = this.#defs.get(key.toLowerCase());
    if (!d) return `unknown configuration key ${key}`;
    const normal = this.normalize(d, value);
    if (normal === undefined) return `invalid value for ${d.key}: ${JSON.stringify(value)}`;
    this.#store(d, normal);
    return undefined;
  }

  /** The canonical form of a valid value, or undefined when the key does not accept it. */
  normalize(d: ConfigKeyDef, value: string): string | undefined {
    switch (d.kind) {
      case "int": {
        if (!/^\s*\d+\s*$/.test(value)) return undefined;
        const n = Number(value);
        if (n < (d.min ?? 0) || n > (d.max ?? INT32_MAX)) return undefined;
        return String(n);
      }
      case "bool": {
        const v = value.trim().toLowerCase();
        return v === "true" || v === "false" ? v : undefined;
      }
      case "csl": {
        const items = splitList(value);
        if (d.items) {
          const allowed = new Map(d.items.map((i) => [i.toLowerCase(), i]));
          const out: string[] = [];
          for (const item of items) {
            const canon = allowed.get(item.toLowerCase());
            if (!canon) return undefined;
            out.push(canon);
          }
          items.splice(0, items.length, ...out);
        }
        if (d.itemPattern && !items.every((i) => d.itemPattern!.test(i))) return undefined;
        if (d.maxItemsKey && items.length > this.getInt(d.maxItemsKey)) return undefined;
        return items.join(",");
      }
      case "string":
        return d.problem?.(value) === undefined ? value : undefined;
    }
  }

  #store(d: ConfigKeyDef, value: string): void {
    const k = d.key.toLowerCase();
    if (this.#values.get(k) === value) return;
    this.#values.set(k, value);
    for (const l of this.#listeners) l(d.key, value);
  }
}

function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A store holding the Core keys for a charge point with this many connectors. */
export function coreConfiguration(opts: CoreConfigOptions): ConfigStore {
  return new ConfigStore(coreKeyDefs(opts));
}
