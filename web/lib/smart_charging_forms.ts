/**
 * The command panel's forms for OCPP 1.6 smart charging. A charging profile is typed in as fields (one
 * schedule period: the limit from its start); anything richer (several periods, validity, a minimum rate)
 * goes in the full-profile JSON field, which replaces the fields' profile when given: it comes last, and a
 * field's path puts its value in place (command_forms.ts).
 */
import type { FieldSpec } from "./command_forms.ts";

export const PURPOSES_16 = ["TxProfile", "TxDefaultProfile", "ChargePointMaxProfile"] as const;
export const KINDS_16 = ["Absolute", "Recurring", "Relative"] as const;
export const RECURRENCY_16 = ["Daily", "Weekly"] as const;
export const RATE_UNITS_16 = ["W", "A"] as const;

const P = "csChargingProfiles";
const S = `${P}.chargingSchedule`;

export const SMART_CHARGING_FORMS_16: Readonly<Record<string, readonly FieldSpec[]>> = {
  SetChargingProfile: [
    { name: "connectorId", label: "Connector (0 = charger)", kind: "int", required: true, initial: "1" },
    { name: `${P}.chargingProfileId`, label: "Profile id", kind: "int", required: true, initial: "1" },
    {
      name: `${P}.chargingProfilePurpose`,
      label: "Purpose",
      kind: "select",
      options: PURPOSES_16,
      required: true,
    },
    { name: `${P}.stackLevel`, label: "Stack level", kind: "int", required: true, initial: "0" },
    {
      name: `${P}.chargingProfileKind`,
      label: "Kind",
      kind: "select",
      options: KINDS_16,
      required: true,
      initial: "Relative",
    },
    { name: `${P}.recurrencyKind`, label: "Recurrency", kind: "select", options: RECURRENCY_16 },
    { name: `${P}.transactionId`, label: "Transaction (optional)", kind: "int" },
    {
      name: `${S}.chargingRateUnit`,
      label: "Rate unit",
      kind: "select",
      options: RATE_UNITS_16,
      required: true,
    },
    {
      name: `${S}.chargingSchedulePeriod.0.limit`,
      label: "Limit (W or A)",
      kind: "number",
      required: true,
      placeholder: "3700",
    },
    { name: `${S}.chargingSchedulePeriod.0.startPeriod`, label: "From, s", kind: "int", initial: "0" },
    { name: `${S}.chargingSchedulePeriod.0.numberPhases`, label: "Phases (optional)", kind: "int" },
    { name: `${S}.duration`, label: "Duration, s (optional)", kind: "int" },
    {
      name: `${S}.startSchedule`,
      label: "Schedule start (Absolute, Recurring)",
      kind: "text",
      placeholder: "2026-01-01T00:00:00Z",
    },
    {
      name: P,
      label: "Full profile (JSON, optional: replaces the fields above)",
      kind: "json",
      json: "object",
      multiline: true,
    },
  ],
  ClearChargingProfile: [
    { name: "id", label: "Profile id (optional)", kind: "int" },
    { name: "connectorId", label: "Connector (optional)", kind: "int" },
    { name: "chargingProfilePurpose", label: "Purpose", kind: "select", options: PURPOSES_16 },
    { name: "stackLevel", label: "Stack level (optional)", kind: "int" },
  ],
  GetCompositeSchedule: [
    { name: "connectorId", label: "Connector (0 = charger)", kind: "int", required: true, initial: "1" },
    { name: "duration", label: "Duration, s", kind: "int", required: true, initial: "3600" },
    { name: "chargingRateUnit", label: "Rate unit", kind: "select", options: RATE_UNITS_16 },
  ],
};
