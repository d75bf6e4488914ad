import type { ConformanceCase } from "../case.ts";
import type { CentralCtx } from "../central_mode.ts";

export const CHARGER_201: ConformanceCase<CentralCtx>[] = [];
