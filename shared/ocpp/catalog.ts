/**
 * Per protocol, the operator commands a portal offers (the REST enum, the command panel). The CSMS's
 * adapter for a charger's protocol still decides what it accepts and validates the payload; this list is
 * what an operator is shown, kept here so the portal needs no protocol's types to build it.
 */
import type { Protocol } from "../domain.ts";
import { OPERATOR_COMMANDS_16 } from "./actions16.ts";
import { OPERATOR_COMMANDS_201 } from "./actions201.ts";

export const OPERATOR_ACTIONS: Record<Protocol, readonly string[]> = {
  "ocpp1.6": OPERATOR_COMMANDS_16,
  "ocpp2.0.1": OPERATOR_COMMANDS_201,
};

/** Every action some protocol offers, each once, in catalog order. */
export function allOperatorActions(): string[] {
  return [...new Set(Object.values(OPERATOR_ACTIONS).flat())];
}
