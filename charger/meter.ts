/**
 * The connector's meter, pure: turns a reading (energy register, power, the
 * car's state of charge) into OCPP sampled values for the measurands the
 * configuration asks for, with coherent electrical quantities.
 */
import type { MeterValue16, SampledValue16 } from "../shared/ocpp/mod.ts";
import type { Measurand } from "./config_store.ts";

export interface Supply {
  /** 1 or 3 for AC; 0 for a DC charger. */
  phases: 0 | 1 | 3;
  voltageV: number;
}

/** What a charger of this rating is wired as: single-phase to 7.4 kW, three-phase to 22 kW, DC above. */
export function supplyFor(maxW: number): Supply {
  if (maxW <= 7_400) return { phases: 1, voltageV: 230 };
  if (maxW <= 22_000) return { phases: 3, voltageV: 230 };
  return { phases: 0, voltageV: 400 };
}

/** Current per phase (AC) or on the DC bus, in A. */
export function currentA(powerW: number, supply: Supply): number {
  return powerW / (supply.voltageV * Math.max(1, supply.phases));
}

export interface MeterReading {
  /** The energy register, in Wh: it only ever rises. */
  energyWh: number;
  powerW: number;
  /** What the charger offers the car, in W. */
  offeredW: number;
  /** The car's state of charge, when a car is connected. */
  socPct?: number;
  supply: Supply;
}

export type SampleContext = NonNullable<SampledValue16["context"]>;

/** The register as OCPP integers count it: whole Wh, rounded down so it can never run ahead of itself. */
export function registerWh(energyWh: number): number {
  return Math.floor(energyWh + 1e-9);
}

export function sampledValues(
  r: MeterReading,
  measurands: readonly string[],
  context: SampleContext,
): SampledValue16[] {
  const out: SampledValue16[] = [];
  const outlet = (measurand: Measurand, value: string, unit: SampledValue16["unit"]) =>
    out.push({ value, context, measurand, location: "Outlet", unit });
  for (const m of measurands as readonly Measurand[]) {
    switch (m) {
      case "Energy.Active.Import.Register":
        outlet(m, String(registerWh(r.energyWh)), "Wh");
        break;
      case "Power.Active.Import":
        outlet(m, String(Math.round(r.powerW)), "W");
        break;
      case "Power.Offered":
        outlet(m, String(Math.round(r.offeredW)), "W");
        break;
      case "Current.Import":
        outlet(m, currentA(r.powerW, r.supply).toFixed(1), "A");
        break;
      case "Current.Offered":
        outlet(m, currentA(r.offeredW, r.supply).toFixed(1), "A");
        break;
      case "Voltage":
        outlet(m, r.supply.voltageV.toFixed(1), "V");
        break;
      case "SoC":
        if (r.socPct !== undefined) {
          out.push({ value: r.socPct.toFixed(1), context, measurand: m, location: "EV", unit: "Percent" });
        }
        break;
    }
  }
  return out;
}

/** One meterValue element, or undefined when nothing was asked for. */
export function meterValue(
  r: MeterReading,
  measurands: readonly string[],
  context: SampleContext,
  timestamp: string,
): MeterValue16 | undefined {
  const sampledValue = sampledValues(r, measurands, context);
  return sampledValue.length > 0 ? { timestamp, sampledValue } : undefined;
}
