/**
 * A device-model variable as both engines store it (the same columns). A key part that is absent is stored
 * as '' (instances) or -1 (EVSE, connector), so that the primary key can hold it: SQL NULLs are never equal.
 */
import type { DeviceVariable } from "../../shared/domain.ts";

export interface DeviceVariableRow {
  component: string;
  component_instance: string;
  evse_id: number;
  connector_id: number;
  variable: string;
  variable_instance: string;
  attribute_type: string;
  value: string | null;
  mutability: string | null;
  data_type: string | null;
  unit: string | null;
  values_list: string | null;
  updated_at: string;
}

/** The columns in insert order, with the charger's id first. */
export const DEVICE_VARIABLE_COLUMNS = [
  "charger_id",
  "component",
  "component_instance",
  "evse_id",
  "connector_id",
  "variable",
  "variable_instance",
  "attribute_type",
  "value",
  "mutability",
  "data_type",
  "unit",
  "values_list",
  "updated_at",
] as const;

/**
 * The upsert's update clause, the same SQL in both engines. A report without characteristics (a value
 * update after SetVariables) keeps those it had; a WriteOnly variable (a password) never keeps a value,
 * whoever writes it.
 */
export const DEVICE_VARIABLE_UPSERT = `ON CONFLICT (charger_id, component, component_instance, evse_id,
    connector_id, variable, variable_instance, attribute_type) DO UPDATE SET
    mutability = coalesce(excluded.mutability, device_variables.mutability),
    value = CASE WHEN coalesce(excluded.mutability, device_variables.mutability) = 'WriteOnly' THEN NULL
      ELSE excluded.value END,
    data_type = coalesce(excluded.data_type, device_variables.data_type),
    unit = coalesce(excluded.unit, device_variables.unit),
    values_list = coalesce(excluded.values_list, device_variables.values_list),
    updated_at = excluded.updated_at`;

export const DEVICE_VARIABLE_ORDER =
  "ORDER BY component, component_instance, evse_id, connector_id, variable, variable_instance, attribute_type";

/** One variable's row values in DEVICE_VARIABLE_COLUMNS order. */
export function deviceVariableValues(chargerId: string, v: DeviceVariable): Array<string | number | null> {
  return [
    chargerId,
    v.component,
    v.componentInstance ?? "",
    v.evseId ?? -1,
    v.connectorId ?? -1,
    v.variable,
    v.variableInstance ?? "",
    v.attributeType,
    v.mutability === "WriteOnly" ? null : v.value ?? null,
    v.mutability ?? null,
    v.dataType ?? null,
    v.unit ?? null,
    v.valuesList ?? null,
    v.updatedAt,
  ];
}

export function deviceVariableFromRow(r: DeviceVariableRow): DeviceVariable {
  const v: DeviceVariable = {
    component: r.component,
    variable: r.variable,
    attributeType: r.attribute_type,
    updatedAt: r.updated_at,
  };
  if (r.component_instance !== "") v.componentInstance = r.component_instance;
  if (r.evse_id >= 0) v.evseId = Number(r.evse_id);
  if (r.connector_id >= 0) v.connectorId = Number(r.connector_id);
  if (r.variable_instance !== "") v.variableInstance = r.variable_instance;
  if (r.value !== null) v.value = r.value;
  if (r.mutability !== null) v.mutability = r.mutability;
  if (r.data_type !== null) v.dataType = r.data_type;
  if (r.unit !== null) v.unit = r.unit;
  if (r.values_list !== null) v.valuesList = r.values_list;
  return v;
}
