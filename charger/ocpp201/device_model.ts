/**
 * The station's OCPP 2.0.1 device model, pure: components and their variables, each with its mutability,
 * data type, unit and allowed values; GetVariables/SetVariables answers with the attributeStatus the
 * spec asks for (B06, B05); the report data of GetBaseReport and GetReport (B07, B08). Only the Actual
 * attribute exists here. Values that describe live state (availability) are read through a callback.
 */
import type {
  AttributeType,
  ComponentRef,
  ComponentVariableFilter,
  DataType,
  GetVariableResult,
  Mutability,
  ReportBase,
  ReportData,
  SetVariableResult,
  VariableRef,
} from "./types.ts";

export const MEASURANDS = [
  "Energy.Active.Import.Register",
  "Power.Active.Import",
  "Power.Offered",
  "Current.Import",
  "Current.Offered",
  "Voltage",
  "SoC",
] as const;

export interface VariableDef {
  component: string;
  componentInstance?: string;
  evse?: { id: number; connectorId?: number };
  variable: string;
  variableInstance?: string;
  mutability: Mutability;
  dataType: DataType;
  unit?: string;
  /** For OptionList/MemberList/SequenceList: the allowed members. */
  valuesList?: readonly string[];
  /** For numbers the range; for strings maxLimit is the maximum length. */
  minLimit?: number;
  maxLimit?: number;
  value?: string;
  /** A new value applies only after a reboot: SetVariables answers RebootRequired. */
  rebootRequired?: boolean;
  /** A live value (availability): read at each request, never set. */
  read?: () => string;
}

/** What one variable is called in `--config` and the settings view: `Component.Variable[:Instance]`. */
export function keyOf(d: Pick<VariableDef, "component" | "variable" | "variableInstance">): string {
  return `${d.component}.${d.variable}${d.variableInstance ? `:${d.variableInstance}` : ""}`;
}

/** Why `value` is not allowed for a variable, or undefined when it is. */
export function invalidValue(d: VariableDef, value: string): string | undefined {
  const inRange = (n: number) =>
    (d.minLimit === undefined || n >= d.minLimit) && (d.maxLimit === undefined || n <= d.maxLimit);
  switch (d.dataType) {
    case "integer":
      if (!/^-?\d+$/.test(value) || !inRange(Number(value))) {
        return `must be an integer${d.minLimit !== undefined ? ` from ${d.minLimit}` : ""}${
          d.maxLimit !== undefined ? ` to ${d.maxLimit}` : ""
        }`;
      }
      return undefined;
    case "decimal":
      return /^-?(\d+\.?\d*|\.\d+)$/.test(value) && inRange(Number(value))
        ? undefined
        : "must be a number in range";
    case "boolean":
      return value === "true" || value === "false" ? undefined : "must be true or false";
    case "dateTime":
      return Number.isNaN(Date.parse(value)) ? "must be a date and time" : undefined;
    case "OptionList":
      return d.valuesList?.includes(value) ? undefined : `must be one of ${d.valuesList?.join(", ")}`;
    case "MemberList":
    case "SequenceList": {
      const members = value === "" ? [] : value.split(",").map((s) => s.trim());
      const bad = members.find((m) => !d.valuesList?.includes(m));
      if (bad !== undefined) return `${JSON.stringify(bad)} is not one of ${d.valuesList?.join(", ")}`;
      if (new Set(members).size !== members.length) return "lists a member twice";
      return undefined;
    }
    case "string":
      return d.maxLimit !== undefined && value.length > d.maxLimit
        ? `must be at most ${d.maxLimit} characters`
        : undefined;
  }
}

const sameEvse = (a?: { id: number; connectorId?: number }, b?: { id: number; connectorId?: number }) =>
  a?.id === b?.id && a?.connectorId === b?.connectorId;

function componentMatches(d: VariableDef, c: ComponentRef): boolean {
  return d.component === c.name && d.componentInstance === c.instance && sameEvse(d.evse, c.evse);
}

function variableMatches(d: VariableDef, v: VariableRef): boolean {
  return d.variable === v.name && d.variableInstance === v.instance;
}

function componentRef(d: VariableDef): ComponentRef {
  return {
    name: d.component,
    ...(d.componentInstance !== undefined && { instance: d.componentInstance }),
    ...(d.evse && { evse: { ...d.evse } }),
  };
}

function variableRef(d: VariableDef): VariableRef {
  return { name: d.variable, ...(d.variableInstance !== undefined && { instance: d.variableInstance }) };
}

export type ChangeListener = (key: string, value: string) => void;

export class DeviceModel {
  readonly #defs: VariableDef[];
  #listeners: ChangeListener[] = [];

  constructor(defs: VariableDef[]) {
    this.#defs = defs.map((d) => ({ ...d }));
  }

  get variables(): readonly VariableDef[] {
    return this.#defs;
  }

  onChange(fn: ChangeListener): void {
    this.#listeners.push(fn);
  }

  /** The value of a station-level variable by key (`Component.Variable[:Instance]`), WriteOnly included. */
  get(key: string): string | undefined {
    const d = this.#byKey(key);
    return d ? (d.read?.() ?? d.value) : undefined;
  }

  getInt(key: string): number {
    return Number(this.get(key) ?? 0);
  }

  getBool(key: string): boolean {
    return this.get(key) === "true";
  }

  getList(key: string): string[] {
    const v = this.get(key) ?? "";
    return v === "" ? [] : v.split(",").map((s) => s.trim());
  }

  /**
   * Sets a station-level variable as the manufacturer would (ReadOnly ones too), for the simulator's
   * own options; returns why not, or undefined when set.
   */
  configure(key: string, value: string): string | undefined {
    const d = this.#byKey(key);
    if (!d || d.read) return `unknown or live variable ${key}`;
    const bad = invalidValue(d, value);
    if (bad) return `${key} ${bad} (got ${JSON.stringify(value)})`;
    this.#store(d, value);
    return undefined;
  }

  /** B06: one GetVariableData. */
  getVariable(
    component: ComponentRef,
    variable: VariableRef,
    attributeType?: AttributeType,
  ): GetVariableResult {
    const base = {
      component,
      variable,
      ...(attributeType !== undefined && { attributeType }),
    };
    const found = this.#find(component, variable);
    if (found === "UnknownComponent" || found === "UnknownVariable") {
      return { ...base, attributeStatus: found };
    }
    if (attributeType !== undefined && attributeType !== "Actual") {
      return { ...base, attributeStatus: "NotSupportedAttributeType" };
    }
    if (found.mutability === "WriteOnly") {
      return { ...base, attributeStatus: "Rejected", attributeStatusInfo: { reasonCode: "WriteOnly" } };
    }
    return { ...base, attributeStatus: "Accepted", attributeValue: found.read?.() ?? found.value ?? "" };
  }

  /** B05: one SetVariableData; an accepted value is stored and the listeners hear of it. */
  setVariable(
    component: ComponentRef,
    variable: VariableRef,
    value: string,
    attributeType?: AttributeType,
  ): SetVariableResult {
    const base = { component, variable, ...(attributeType !== undefined && { attributeType }) };
    const found = this.#find(component, variable);
    if (found === "UnknownComponent" || found === "UnknownVariable") {
      return { ...base, attributeStatus: found };
    }
    if (attributeType !== undefined && attributeType !== "Actual") {
      return { ...base, attributeStatus: "NotSupportedAttributeType" };
    }
    if (found.mutability === "ReadOnly" || found.read) {
      return { ...base, attributeStatus: "Rejected", attributeStatusInfo: { reasonCode: "ReadOnly" } };
    }
    const bad = invalidValue(found, value);
    if (bad) {
      return {
        ...base,
        attributeStatus: "Rejected",
        attributeStatusInfo: { reasonCode: "InvalidValue", additionalInfo: bad.slice(0, 512) },
      };
    }
    this.#store(found, value);
    return { ...base, attributeStatus: found.rebootRequired ? "RebootRequired" : "Accepted" };
  }

  /** B07: the variables of a base report, in model order. */
  baseReport(base: ReportBase): ReportData[] {
    const pick = base === "FullInventory"
      ? () => true
      : base === "ConfigurationInventory"
      ? (d: VariableDef) => d.mutability !== "ReadOnly"
      : (d: VariableDef) => d.variable === "AvailabilityState";
    return this.#defs.filter(pick).map((d) => this.#reportData(d));
  }

  /** B08: the variables a GetReport's componentVariable list names (a component without a variable: all of it). */
  report(filter: readonly ComponentVariableFilter[] | undefined): ReportData[] {
    const wanted = (d: VariableDef) =>
      !filter || filter.length === 0 ||
      filter.some((f) =>
        f.component.name === d.component &&
        (f.component.instance === undefined || f.component.instance === d.componentInstance) &&
        (f.component.evse === undefined ||
          (f.component.evse.id === d.evse?.id &&
            (f.component.evse.connectorId === undefined ||
              f.component.evse.connectorId === d.evse?.connectorId))) &&
        (f.variable === undefined ||
          (f.variable.name === d.variable &&
            (f.variable.instance === undefined || f.variable.instance === d.variableInstance)))
      );
    return this.#defs.filter(wanted).map((d) => this.#reportData(d));
  }

  #reportData(d: VariableDef): ReportData {
    const value = d.read?.() ?? d.value;
    return {
      component: componentRef(d),
      variable: variableRef(d),
      variableAttribute: [{
        type: "Actual",
        // A WriteOnly value (a password) is never reported.
        ...(d.mutability !== "WriteOnly" && value !== undefined && { value }),
        mutability: d.read ? "ReadOnly" : d.mutability,
        persistent: !d.read,
        constant: d.mutability === "ReadOnly" && !d.read,
      }],
      variableCharacteristics: {
        dataType: d.dataType,
        ...(d.unit !== undefined && { unit: d.unit }),
        ...(d.minLimit !== undefined && { minLimit: d.minLimit }),
        ...(d.maxLimit !== undefined && { maxLimit: d.maxLimit }),
        ...(d.valuesList !== undefined && { valuesList: d.valuesList.join(",") }),
        supportsMonitoring: false,
      },
    };
  }

  #find(c: ComponentRef, v: VariableRef): VariableDef | "UnknownComponent" | "UnknownVariable" {
    const ofComponent = this.#defs.filter((d) => componentMatches(d, c));
    if (ofComponent.length === 0) return "UnknownComponent";
    return ofComponent.find((d) => variableMatches(d, v)) ?? "UnknownVariable";
  }

  #byKey(key: string): VariableDef | undefined {
    return this.#defs.find((d) => !d.evse && keyOf(d) === key);
  }

  #store(d: VariableDef, value: string): void {
    d.value = value;
    const key = keyOf(d);
    for (const fn of this.#listeners) fn(key, value);
  }
}

export interface StationModelOptions {
  evses: number;
  /** The station's maximum power per EVSE, in W. */
  maxW: number;
  phases: number;
  vendor: string;
  model: string;
  /** Security profile 1 when a Basic auth password is used, else 0 (none). */
  securityProfile: number;
  /** Live availability of the station (evse 0) and each EVSE/connector. */
  availability(evseId: number): string;
}

/** The variables this simulated station has, with their defaults. */
export function stationModel(o: StationModelOptions): DeviceModel {
  const measurands = [...MEASURANDS];
  const rw = "ReadWrite" as const;
  const ro = "ReadOnly" as const;
  const defs: VariableDef[] = [
    {
      component: "ChargingStation",
      variable: "AvailabilityState",
      mutability: ro,
      dataType: "OptionList",
      valuesList: ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"],
      read: () => o.availability(0),
    },
    {
      component: "ChargingStation",
      variable: "Available",
      mutability: ro,
      dataType: "boolean",
      read: () => String(o.availability(0) !== "Unavailable"),
    },
    { component: "ChargingStation", variable: "Model", mutability: ro, dataType: "string", value: o.model },
    {
      component: "ChargingStation",
      variable: "VendorName",
      mutability: ro,
      dataType: "string",
      value: o.vendor,
    },
    {
      component: "ChargingStation",
      variable: "SupplyPhases",
      mutability: ro,
      dataType: "integer",
      value: String(o.phases),
    },
    {
      component: "OCPPCommCtrlr",
      variable: "HeartbeatInterval",
      mutability: rw,
      dataType: "integer",
      unit: "s",
      minLimit: 1,
      maxLimit: 86_400,
      value: "300",
    },
    {
      component: "OCPPCommCtrlr",
      variable: "MessageTimeout",
      variableInstance: "Default",
      mutability: ro,
      dataType: "integer",
      unit: "s",
      value: "30",
    },
    {
      component: "OCPPCommCtrlr",
      variable: "MessageAttempts",
      variableInstance: "TransactionEvent",
      mutability: rw,
      dataType: "integer",
      minLimit: 1,
      maxLimit: 100,
      value: "3",
    },
    {
      component: "OCPPCommCtrlr",
      variable: "MessageAttemptInterval",
      variableInstance: "TransactionEvent",
      mutability: rw,
      dataType: "integer",
      unit: "s",
      minLimit: 1,
      maxLimit: 3_600,
      value: "10",
    },
    {
      component: "OCPPCommCtrlr",
      variable: "OfflineThreshold",
      mutability: rw,
      dataType: "integer",
      unit: "s",
      minLimit: 0,
      value: "60",
    },
    {
      component: "OCPPCommCtrlr",
      variable: "ResetRetries",
      mutability: rw,
      dataType: "integer",
      minLimit: 0,
      maxLimit: 10,
      value: "2",
    },
    {
      component: "OCPPCommCtrlr",
      variable: "NetworkConfigurationPriority",
      mutability: rw,
      dataType: "SequenceList",
      valuesList: ["0"],
      value: "0",
      rebootRequired: true,
    },
    {
      component: "OCPPCommCtrlr",
      variable: "NetworkProfileConnectionAttempts",
      mutability: rw,
      dataType: "integer",
      minLimit: 1,
      maxLimit: 100,
      value: "3",
    },
    {
      component: "TxCtrlr",
      variable: "TxStartPoint",
      mutability: rw,
      dataType: "MemberList",
      valuesList: ["EVConnected", "Authorized", "PowerPathClosed"],
      value: "PowerPathClosed",
    },
    {
      component: "TxCtrlr",
      variable: "TxStopPoint",
      mutability: rw,
      dataType: "MemberList",
      valuesList: ["EVConnected", "Authorized", "PowerPathClosed"],
      value: "EVConnected,Authorized",
    },
    {
      component: "TxCtrlr",
      variable: "EVConnectionTimeOut",
      mutability: rw,
      dataType: "integer",
      unit: "s",
      minLimit: 1,
      maxLimit: 3_600,
      value: "60",
    },
    {
      component: "TxCtrlr",
      variable: "StopTxOnInvalidId",
      mutability: rw,
      dataType: "boolean",
      value: "true",
    },
    {
      component: "TxCtrlr",
      variable: "StopTxOnEVSideDisconnect",
      mutability: ro,
      dataType: "boolean",
      value: "true",
    },
    {
      component: "SampledDataCtrlr",
      variable: "TxUpdatedInterval",
      mutability: rw,
      dataType: "integer",
      unit: "s",
      minLimit: 0,
      maxLimit: 86_400,
      value: "60",
    },
    {
      component: "SampledDataCtrlr",
      variable: "TxStartedMeasurands",
      mutability: rw,
      dataType: "MemberList",
      valuesList: measurands,
      value: "Energy.Active.Import.Register,SoC",
    },
    {
      component: "SampledDataCtrlr",
      variable: "TxUpdatedMeasurands",
      mutability: rw,
      dataType: "MemberList",
      valuesList: measurands,
      value: "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC",
    },
    {
      component: "SampledDataCtrlr",
      variable: "TxEndedMeasurands",
      mutability: rw,
      dataType: "MemberList",
      valuesList: measurands,
      value: "Energy.Active.Import.Register,SoC",
    },
    {
      component: "AlignedDataCtrlr",
      variable: "Interval",
      mutability: rw,
      dataType: "integer",
      unit: "s",
      minLimit: 0,
      maxLimit: 86_400,
      value: "0",
    },
    {
      component: "AlignedDataCtrlr",
      variable: "Measurands",
      mutability: rw,
      dataType: "MemberList",
      valuesList: measurands,
      value: "Energy.Active.Import.Register",
    },
    { component: "AuthCtrlr", variable: "Enabled", mutability: rw, dataType: "boolean", value: "true" },
    {
      component: "AuthCtrlr",
      variable: "AuthorizeRemoteStart",
      mutability: rw,
      dataType: "boolean",
      value: "false",
    },
    {
      component: "AuthCtrlr",
      variable: "LocalAuthorizeOffline",
      mutability: rw,
      dataType: "boolean",
      value: "true",
    },
    {
      component: "AuthCtrlr",
      variable: "LocalPreAuthorize",
      mutability: rw,
      dataType: "boolean",
      value: "false",
    },
    {
      component: "AuthCtrlr",
      variable: "OfflineTxForUnknownIdEnabled",
      mutability: rw,
      dataType: "boolean",
      value: "false",
    },
    { component: "AuthCacheCtrlr", variable: "Enabled", mutability: rw, dataType: "boolean", value: "true" },
    {
      component: "SecurityCtrlr",
      variable: "SecurityProfile",
      mutability: ro,
      dataType: "integer",
      value: String(o.securityProfile),
    },
    {
      component: "SecurityCtrlr",
      variable: "BasicAuthPassword",
      mutability: "WriteOnly",
      dataType: "string",
      maxLimit: 40,
      value: "",
    },
    {
      component: "SecurityCtrlr",
      variable: "OrganizationName",
      mutability: rw,
      dataType: "string",
      maxLimit: 64,
      value: "Chargewire",
    },
    {
      component: "DeviceDataCtrlr",
      variable: "ItemsPerMessage",
      variableInstance: "GetReport",
      mutability: ro,
      dataType: "integer",
      minLimit: 1,
      value: "20",
    },
    {
      component: "DeviceDataCtrlr",
      variable: "ItemsPerMessage",
      variableInstance: "GetVariables",
      mutability: ro,
      dataType: "integer",
      minLimit: 1,
      value: "20",
    },
    {
      component: "DeviceDataCtrlr",
      variable: "ItemsPerMessage",
      variableInstance: "SetVariables",
      mutability: ro,
      dataType: "integer",
      minLimit: 1,
      value: "20",
    },
    {
      component: "DeviceDataCtrlr",
      variable: "BytesPerMessage",
      variableInstance: "GetReport",
      mutability: ro,
      dataType: "integer",
      minLimit: 1_000,
      value: "16000",
    },
    {
      component: "DeviceDataCtrlr",
      variable: "BytesPerMessage",
      variableInstance: "GetVariables",
      mutability: ro,
      dataType: "integer",
      minLimit: 1_000,
      value: "16000",
    },
  ];
  for (let id = 1; id <= o.evses; id++) {
    defs.push(
      {
        component: "EVSE",
        evse: { id },
        variable: "AvailabilityState",
        mutability: ro,
        dataType: "OptionList",
        valuesList: ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"],
        read: () => o.availability(id),
      },
      {
        component: "EVSE",
        evse: { id },
        variable: "Power",
        mutability: ro,
        dataType: "decimal",
        unit: "W",
        maxLimit: o.maxW,
        value: String(o.maxW),
      },
      {
        component: "Connector",
        evse: { id, connectorId: 1 },
        variable: "AvailabilityState",
        mutability: ro,
        dataType: "OptionList",
        valuesList: ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"],
        read: () => o.availability(id),
      },
      {
        component: "Connector",
        evse: { id, connectorId: 1 },
        variable: "ConnectorType",
        mutability: ro,
        dataType: "string",
        value: "cType2",
      },
    );
  }
  return new DeviceModel(defs);
}

/**
 * B07/B08: report data in NotifyReport pages of at most `itemsPerMessage` items and (as far as one item
 * allows) `bytesPerMessage` bytes of JSON; every page but the last says `tbc`.
 */
export function reportPages(
  items: readonly ReportData[],
  itemsPerMessage: number,
  bytesPerMessage = Infinity,
): ReportData[][] {
  const pages: ReportData[][] = [];
  let page: ReportData[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(item).length + 1;
    if (page.length > 0 && (page.length >= itemsPerMessage || bytes + size > bytesPerMessage)) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(item);
    bytes += size;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
