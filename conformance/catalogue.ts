/** The four catalogues: which cases run for a mode and a protocol. */
import type { ConformanceCase } from "./case.ts";
import { CSMS_16 } from "./cases/csms16.ts";
import { CSMS_201 } from "./cases/csms201.ts";
import { CHARGER_16 } from "./cases/charger16.ts";
import { CHARGER_201 } from "./cases/charger201.ts";

export function catalogue(
  mode: "csms" | "charger",
  ocpp: "1.6" | "2.0.1",
): readonly ConformanceCase<never>[] {
  if (mode === "csms") return ocpp === "1.6" ? CSMS_16 : CSMS_201;
  return ocpp === "1.6" ? CHARGER_16 : CHARGER_201;
}
