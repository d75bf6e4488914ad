/**
 * Meter readings as OCPP 2.0.1 meter values, pure: the same coherent quantities as 1.6's meter.ts
 * (one source for the physics and the rounding), in 2.0.1's shape: numeric values and a unitOfMeasure.
 */
import { type MeterReading, type SampleContext, sampledValues } from "../meter.ts";
import type { MeterValue201, SampledValue201 } from "./types.ts";

export type Context201 = NonNullable<SampledValue201["context"]>;

export function sampledValues201(
  r: MeterReading,
  measurands: readonly string[],
  context: Context201,
): SampledValue201[] {
  // 1.6 and 2.0.1 share these context names for the contexts the simulator uses.
  return sampledValues(r, measurands, context as SampleContext).map((s) => ({
    value: Number(s.value),
    context,
    measurand: s.measurand as SampledValue201["measurand"],
    location: s.location as SampledValue201["location"],
    unitOfMeasure: { unit: s.unit === "Percent" ? "Percent" : s.unit ?? "Wh" },
  }));
}

/** One meter value, or undefined when nothing was asked for. */
export function meterValue201(
  r: MeterReading,
  measurands: readonly string[],
  context: Context201,
  timestamp: string,
): MeterValue201 | undefined {
  const sampled = sampledValues201(r, measurands, context);
  if (sampled.length === 0) return undefined;
  return { timestamp, sampledValue: sampled as MeterValue201["sampledValue"] };
}
