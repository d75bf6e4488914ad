/**
 * The charger page's device-model view (OCPP 2.0.1), in pure terms: variables grouped by component and
 * filtered by text, the SetVariables and GetBaseReport commands it sends, how the charger's answer to a
 * SetVariables reads, and which events mean the stored model may have changed.
 */
import type { DeviceVariable } from "../../shared/domain.ts";
import type { BusEvent } from "../../shared/events.ts";
import type { SessionCommand } from "./session_commands.ts";

export interface ComponentGroup {
  /** Stable across refreshes: name, instance, EVSE and connector. */
  key: string;
  /** "EVSE · EVSE 1", "SampledDataCtrlr · main", "OCPPCommCtrlr". */
  title: string;
  variables: DeviceVariable[];
}

function componentKey(v: DeviceVariable): string {
  return JSON.stringify([v.component, v.componentInstance ?? null, v.evseId ?? null, v.connectorId ?? null]);
}

export function componentTitle(v: DeviceVariable): string {
  const where = v.evseId === undefined
    ? ""
    : v.connectorId === undefined
    ? `EVSE ${v.evseId}`
    : `EVSE ${v.evseId} / connector ${v.connectorId}`;
  return [v.component, v.componentInstance, where].filter(Boolean).join(" · ");
}

/** "HeartbeatInterval", "Power:L1"; with the attribute when it is not the Actual one. */
export function variableTitle(v: DeviceVariable): string {
  const name = v.variableInstance ? `${v.variable}:${v.variableInstance}` : v.variable;
  return v.attributeType === "Actual" ? name : `${name} (${v.attributeType})`;
}

/** Whether `needle` (any case) is in the component's or variable's name, instance, value or unit. */
export function variableMatches(v: DeviceVariable, needle: string): boolean {
  const n = needle.trim().toLowerCase();
  if (n === "") return true;
  return [componentTitle(v), variableTitle(v), v.value, v.unit].some((s) => s?.toLowerCase().includes(n));
}

/** The variables that match `filter`, by component, in the order the read model gave them. */
export function groupVariables(variables: readonly DeviceVariable[], filter = ""): ComponentGroup[] {
  const groups = new Map<string, ComponentGroup>();
  for (const v of variables) {
    if (!variableMatches(v, filter)) continue;
    const key = componentKey(v);
    let group = groups.get(key);
    if (!group) groups.set(key, group = { key, title: componentTitle(v), variables: [] });
    group.variables.push(v);
  }
  return [...groups.values()];
}

/** An operator may set it: the charger reported it ReadWrite or WriteOnly. */
export function isWritable(v: DeviceVariable): boolean {
  return v.mutability === "ReadWrite" || v.mutability === "WriteOnly";
}

/** A stable key of one variable's attribute, for the view's per-row state. */
export function variableKey(v: DeviceVariable): string {
  return JSON.stringify([
    componentKey(v),
    v.variable,
    v.variableInstance ?? null,
    v.attributeType,
  ]);
}

/** SetVariables for one attribute of one variable, as the device model names it. */
export function setVariableCommand(v: DeviceVariable, value: string): SessionCommand {
  const component: Record<string, unknown> = { name: v.component };
  if (v.componentInstance !== undefined) component.instance = v.componentInstance;
  if (v.evseId !== undefined) {
    component.evse = v.connectorId === undefined
      ? { id: v.evseId }
      : { id: v.evseId, connectorId: v.connectorId };
  }
  const variable: Record<string, unknown> = { name: v.variable };
  if (v.variableInstance !== undefined) variable.instance = v.variableInstance;
  return {
    action: "SetVariables",
    payload: {
      setVariableData: [{ component, variable, attributeType: v.attributeType, attributeValue: value }],
    },
  };
}

/** GetBaseReport for the whole inventory; the charger answers with NotifyReport messages. */
export function fullReportCommand(requestId: number): SessionCommand {
  return { action: "GetBaseReport", payload: { requestId, reportBase: "FullInventory" } };
}

/** A requestId for a report an operator asks for: whole seconds, within the schema's integer. */
export function reportRequestId(nowMs: number): number {
  return Math.floor(nowMs / 1000) % 2_147_483_647;
}

/** The charger's attributeStatus for the one variable set ("Accepted", "RebootRequired", ...), with why. */
export function setVariableStatus(response: unknown): { status: string; reason?: string } | undefined {
  const result = (response as { setVariableResult?: unknown } | undefined)?.setVariableResult;
  if (!Array.isArray(result) || result.length === 0) return undefined;
  const first = result[0] as {
    attributeStatus?: unknown;
    attributeStatusInfo?: { reasonCode?: unknown; additionalInfo?: unknown };
  };
  if (typeof first.attributeStatus !== "string") return undefined;
  const info = first.attributeStatusInfo;
  const reason = [info?.reasonCode, info?.additionalInfo].filter((s) => typeof s === "string").join(": ");
  return reason ? { status: first.attributeStatus, reason } : { status: first.attributeStatus };
}

/**
 * Whether the CSMS may have stored a change to the model: it answered a NotifyReport part (the CSMS stores
 * a part before answering it), or a SetVariables got its answer (the CSMS stores accepted values first).
 */
export function modelMayHaveChanged(event: BusEvent): boolean {
  if (event.type === "ocpp.frame") {
    return event.direction === "out" && event.messageType === 3 && event.action === "NotifyReport";
  }
  return event.type === "command.answered" && event.action === "SetVariables" && event.result.ok;
}
