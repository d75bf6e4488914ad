/**
 * The load driver, run as its own process by bench/main.ts: it reads commands (bench/protocol.ts) as
 * JSON lines on stdin and answers with JSON lines on stdout. It opens and boots many bench chargers,
 * then drives MeterValues in a closed loop or at a fixed rate and reports counts and round trips.
 *
 *   deno run -A bench/driver.ts [--max-seconds S]
 *
 * It exits on `close`, when stdin ends (its parent is gone) or after --max-seconds, whichever is first.
 */
import { BenchCharger, meterValues } from "./charger_conn.ts";
import type {
  ConnectCommand,
  ConnectedReport,
  DriverCommand,
  LoadCommand,
  LoadReport,
  SendRecord,
} from "./protocol.ts";
import { encodeHistogram, newHistogram, recordMs } from "./stats.ts";
import { emit, serveCommands, unknownCommand } from "./stdio.ts";
import { sleep } from "./wait.ts";
import { errorText } from "../shared/ocpp/errors.ts";

const MAX_ERROR_KINDS = 10;
/** How often overdue CALLs are given up: one sweep over all chargers instead of a timer per call. */
const SWEEP_MS = 250;
/** Rate mode's scheduling tick. */
const TICK_MS = 2;

class ErrorTally {
  readonly counts: Record<string, number> = {};
  #kinds = 0;
  add(message: string): void {
    if (message in this.counts) this.counts[message]++;
    else if (this.#kinds < MAX_ERROR_KINDS) {
      this.counts[message] = 1;
      this.#kinds++;
    } else this.counts["(other)"] = (this.counts["(other)"] ?? 0) + 1;
  }
}

export class Driver {
  readonly chargers: BenchCharger[] = [];
  #closedDuringLoad = 0;
  #loading = false;
  #sweep: ReturnType<typeof setInterval>;

  constructor() {
    this.#sweep = setInterval(() => {
      const now = performance.now();
      for (const c of this.chargers) c.expire(now);
    }, SWEEP_MS);
  }

  get open(): number {
    return this.chargers.reduce((n, c) => n + (c.isOpen ? 1 : 0), 0);
  }
  get booted(): number {
    return this.chargers.reduce((n, c) => n + (c.isOpen && c.booted ? 1 : 0), 0);
  }

  async connect(cmd: ConnectCommand): Promise<ConnectedReport> {
    const started = performance.now();
    const histogram = newHistogram();
    const errors = new ErrorTally();
    let next = 0;
    let failed = 0;
    const progress = setInterval(() => {
      emit({ type: "progress", open: this.open, booted: this.booted, failed });
    }, 1000);
    const one = async (index: number) => {
      const id = `${cmd.prefix}${cmd.first + index}`;
      const t0 = performance.now();
      const c = new BenchCharger(id, `${cmd.url}/${encodeURIComponent(id)}`, () => {
        if (this.#loading) this.#closedDuringLoad++;
      });
      this.chargers.push(c);
      try {
        await c.opened(cmd.timeoutMs);
        const boot = await c.request("BootNotification", {
          chargePointVendor: "Chargewire",
          chargePointModel: "bench",
        }, cmd.timeoutMs);
        if (boot.status !== "Accepted") throw new Error(`BootNotification ${String(boot.status)}`);
        if (cmd.transaction) {
          const start = await c.request("StartTransaction", {
            connectorId: 1,
            idTag: "BENCH",
            meterStart: 0,
            timestamp: new Date().toISOString(),
          }, cmd.timeoutMs);
          if (typeof start.transactionId !== "number") {
            throw new Error("StartTransaction without transactionId");
          }
          c.transactionId = start.transactionId;
          await c.request("StatusNotification", {
            connectorId: 1,
            errorCode: "NoError",
            status: "Charging",
          }, cmd.timeoutMs);
        }
        c.booted = true;
        recordMs(histogram, performance.now() - t0);
      } catch (err) {
        failed++;
        errors.add(errorText(err));
        c.close();
      }
    };
    const worker = async () => {
      while (next < cmd.count) await one(next++);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(cmd.concurrency, cmd.count)) }, worker));
    clearInterval(progress);
    return {
      type: "connected",
      requested: cmd.count,
      open: this.open,
      booted: this.booted,
      failed,
      durationMs: performance.now() - started,
      histogram: encodeHistogram(histogram),
      errors: errors.counts,
    };
  }

  async load(cmd: LoadCommand): Promise<LoadReport> {
    const ready = this.chargers.filter((c) => c.isOpen && c.booted && !c.busy);
    const histogram = newHistogram();
    const errors = new ErrorTally();
    let sent = 0, answered = 0, callErrors = 0, timeouts = 0, backlogged = 0;
    this.#closedDuringLoad = 0;
    this.#loading = true;

    const start = performance.now();
    const from = start + cmd.warmupMs;
    const end = from + cmd.durationMs;
    const wallStart = Date.now() + cmd.warmupMs;

    const sends: SendRecord[] | undefined = cmd.recordSends ? [] : undefined;
    const send = (c: BenchCharger, then?: (c: BenchCharger) => void) => {
      const t = performance.now();
      const measured = t >= from && t < end;
      const payload = meterValues(c);
      if (measured) {
        sent++;
        if (sends && sends.length < cmd.recordSends!) {
          sends.push([c.id, c.energyWh, performance.timeOrigin + t]);
        }
      }
      c.call("MeterValues", payload, cmd.callTimeoutMs, (outcome, rttMs) => {
        const now = performance.now();
        if (outcome.kind === "result") {
          if (now >= from && now < end) answered++;
          if (measured) recordMs(histogram, rttMs);
        } else if (measured) {
          if (outcome.kind === "error") {
            callErrors++;
            errors.add(`CALLERROR ${outcome.code}: ${outcome.description}`);
          } else if (outcome.kind === "timeout") timeouts++;
        }
        if (then && outcome.kind !== "closed" && performance.now() < end) then(c);
      });
    };

    if (cmd.mode === "closed") {
      const loop = (c: BenchCharger) => send(c, loop);
      for (const c of ready) loop(c);
    } else {
      const rate = cmd.rate ?? 0;
      let issued = 0;
      let rr = 0;
      const tick = setInterval(() => {
        const now = performance.now();
        if (now >= end) return clearInterval(tick);
        let due = Math.floor(((now - start) * rate) / 1000) - issued;
        // A stalled loop owes a burst; cap it so no tick scans more than the fleet once per CALL.
        if (due > ready.length) {
          if (now >= from) backlogged += due - ready.length;
          issued += due - ready.length;
          due = ready.length;
        }
        for (let k = 0; k < due; k++) {
          issued++;
          let found: BenchCharger | undefined;
          for (let scan = 0; scan < ready.length; scan++) {
            const c = ready[rr];
            rr = (rr + 1) % ready.length;
            if (c.isOpen && !c.busy) {
              found = c;
              break;
            }
          }
          if (found) send(found);
          else if (now >= from) backlogged++;
        }
      }, TICK_MS);
    }

    // Bounded wait: the window, then the answers still in flight (each is given up at its timeout).
    await sleep(end - performance.now());
    const drainUntil = performance.now() + cmd.callTimeoutMs + 2 * SWEEP_MS;
    while (ready.some((c) => c.busy) && performance.now() < drainUntil) await sleep(20);
    this.#loading = false;
    return {
      type: "load",
      mode: cmd.mode,
      chargers: ready.length,
      sent,
      answered,
      callErrors,
      timeouts,
      backlogged,
      closed: this.#closedDuringLoad,
      windowMs: cmd.durationMs,
      windowStart: wallStart,
      windowEnd: wallStart + cmd.durationMs,
      histogram: encodeHistogram(histogram),
      errors: errors.counts,
      sends,
    };
  }

  /** Closes every socket and waits (bounded) for the closes to complete. */
  async close(timeoutMs = 5000): Promise<void> {
    clearInterval(this.#sweep);
    for (const c of this.chargers) c.close();
    const until = performance.now() + timeoutMs;
    while (this.chargers.some((c) => c.ws.readyState !== WebSocket.CLOSED) && performance.now() < until) {
      await sleep(20);
    }
  }
}

function main(): Promise<never> {
  return serveCommands<DriverCommand>("driver", () => {
    const driver = new Driver();
    return {
      async handle(cmd) {
        switch (cmd.cmd) {
          case "connect":
            return emit(await driver.connect(cmd));
          case "load":
            return emit(await driver.load(cmd));
          case "status":
            return emit({ type: "status", open: driver.open, booted: driver.booted });
          case "close":
            await driver.close();
            emit({ type: "closed" });
            Deno.exit(0);
            break;
          default:
            throw unknownCommand(cmd);
        }
      },
      finish: () => driver.close(),
    };
  });
}

if (import.meta.main) await main();
