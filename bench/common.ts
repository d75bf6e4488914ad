/** Small pieces the scenarios share: progress output, sleeping, and a driver's life cycle. */
import type { ConnectCommand, ConnectedReport } from "./protocol.ts";
import { type ChildProc, DriverProc } from "./procs.ts";

/** Progress goes to stderr; stdout carries only the tables and the final JSON line. */
export function progress(line: string): void {
  console.error(`bench: ${line}`);
}

export { sleep } from "./wait.ts";

/** The bounds every wait of the bench uses: generous, but finite. */
export const LIMITS = {
  driverStartMs: 60_000,
  /** Per charger step (WebSocket open, each CALL) while connecting. */
  stepTimeoutMs: 30_000,
  /** Connecting a whole slice of the fleet. */
  connectMs: 600_000,
  callTimeoutMs: 10_000,
  reportMs: 120_000,
};

export async function startDriver(name: string, maxSeconds: number): Promise<DriverProc> {
  const d = new DriverProc(name, maxSeconds);
  await d.expect("ready", LIMITS.driverStartMs);
  return d;
}

/** A slice of the fleet for one driver: its connect command less the per-step timeout every slice shares. */
export type FleetSlice = Omit<ConnectCommand, "cmd" | "timeoutMs">;

export async function connectSlice(driver: DriverProc, slice: FleetSlice): Promise<ConnectedReport> {
  await driver.command({ cmd: "connect", ...slice, timeoutMs: LIMITS.stepTimeoutMs });
  const r = await driver.expect("connected", LIMITS.connectMs);
  if (r.failed > 0) {
    progress(`${driver.name}: ${r.failed} of ${r.requested} chargers failed: ${JSON.stringify(r.errors)}`);
  }
  return r;
}

/** Asks the driver to close its sockets and exit; kills it if it does not (bounded either way). */
export async function closeDriver(driver: DriverProc): Promise<void> {
  try {
    if (!driver.exited) {
      await driver.command({ cmd: "close" });
      await driver.expect("closed", 30_000);
    }
  } catch {
    // it is stopped below whatever happened
  }
  await driver.finish(10_000);
}

/** A run id, so that two benches against one database (or one re-run) never share charger ids. */
export function runPrefix(tag: string): string {
  return `BENCH-${tag}-${Date.now().toString(36)}-`;
}

/** Fails the scenario with the server's last output when it died under load. */
export function assertAlive(server: ChildProc): void {
  if (server.exited) throw new Error(`${server.name} exited during the scenario${server.diagnostics()}`);
}
