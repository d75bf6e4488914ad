import type { ConformanceCase } from "../case.ts";
import type { StationCtx } from "../station_mode.ts";

export const CSMS_201: ConformanceCase<StationCtx>[] = [];
