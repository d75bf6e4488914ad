/**
 * `deno task charger`: runs one simulated charge point or a fleet until
 * SIGINT/SIGTERM. Exit status: 0 after a clean stop, 2 for a bad flag.
 */
import { type ChargePointHandle, startChargePoint } from "./charge_point.ts";
import { parseCli } from "./cli.ts";
import type { ChargerEventRecord } from "./events.ts";
import { type FleetHandle, startFleet } from "./fleet.ts";
import { OptionError } from "./options.ts";
import { createOutput } from "./output.ts";

const SUMMARY_EVERY_MS = 5_000;
const LIVE_EVERY_MS = 1_000;

export interface MainIo {
  stdout(text: string): void;
  stderr(text: string): void;
  isTty: boolean;
  /** Resolves when the process is asked to stop. */
  stopSignal: Promise<void>;
}

export async function main(args: string[], io: MainIo): Promise<number> {
  const cli = parseCli(args);
  if (cli.kind === "help") {
    io.stdout(cli.text);
    return 0;
  }
  if (cli.kind === "error") {
    io.stderr(`charger: ${cli.message}\n`);
    return 2;
  }
  const { charger, fleet, log } = cli.options;
  const out = createOutput({
    mode: log,
    fleet: !!fleet,
    write: io.stdout,
    tty: io.isTty && log === "pretty",
  });
  const onEvent = (e: ChargerEventRecord) => out.event(e);
  // Fast time is the single charger's default: say so where a person reads, not in json lines.
  if (log === "pretty" && (charger.speed ?? 1) !== 1) {
    io.stdout(`simulated time runs ${charger.speed}x the wall clock (--speed 1 for real time)\n`);
  }
  let running: { single?: ChargePointHandle; fleet?: FleetHandle };
  try {
    running = fleet
      ? { fleet: startFleet({ ...charger, ...fleet, onEvent }) }
      : { single: startChargePoint({ ...charger, onEvent }) };
  } catch (err) {
    if (err instanceof OptionError) {
      io.stderr(`charger: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const timer = running.fleet
    ? setInterval(() => out.summary(running.fleet!.summary()), SUMMARY_EVERY_MS)
    : setInterval(() => out.live(running.single!.snapshot()), LIVE_EVERY_MS);
  await io.stopSignal;
  clearInterval(timer);
  if (running.fleet) out.summary(running.fleet.summary());
  await (running.fleet ?? running.single)!.stop();
  out.close();
  return 0;
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const onSignal = () => {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
      resolve();
    };
    for (const s of signals) Deno.addSignalListener(s, onSignal);
  });
}

/** writeSync may write part of a buffer to a pipe: loop until all of it is out. */
function writeAll(w: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(w.writeSync(bytes));
}

if (import.meta.main) {
  const code = await main(Deno.args, {
    stdout: (t) => writeAll(Deno.stdout, t),
    stderr: (t) => writeAll(Deno.stderr, t),
    isTty: Deno.stdout.isTerminal(),
    stopSignal: stopSignal(),
  });
  Deno.exit(code);
}
