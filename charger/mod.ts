/**
 * The charger simulator's programmatic API, for the benchmark, tests and
 * scripts: start one charge point or a fleet, drive them, read their state.
 */
export { ChargePoint, createCharger, startChargePoint } from "./charge_point.ts";
export { ChargingStation201, startChargingStation201 } from "./ocpp201/station201.ts";
export { parseMix } from "./ocpp_mix.ts";
export type { MixShare } from "./ocpp_mix.ts";
export type {
  CarOptions,
  ChargePointHandle,
  ChargePointSnapshot,
  ConnectorSnapshot,
  ConnectorStatus,
  OcppProtocol,
  Registration,
  SettingsView,
  StopReason,
} from "./charge_point.ts";
export { fleetIds, startFleet, summarize } from "./fleet.ts";
export type { FleetHandle, FleetOptions, FleetSummary } from "./fleet.ts";
export { DEFAULTS, OptionError } from "./options.ts";
export type { ChargePointOptions } from "./options.ts";
export type { ChargerEvent, ChargerEventRecord } from "./events.ts";
export type { AutoTiming } from "./auto.ts";
export type { BackoffOptions } from "./transport.ts";
