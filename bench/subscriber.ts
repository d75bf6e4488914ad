/**
 * The portal client of the latency scenario, as its own process: socket.io-client sockets against the
 * portal's Socket.IO API (docs/api.md), one watching the fleet (`fleet:update`, coalesced rows) and one
 * per watched charger (its room's `charger:event`, every meter value). It notes when each new energy
 * reading of a charger first arrives; bench/main.ts matches those with the driver's send times.
 *
 *   deno run -A bench/subscriber.ts [--max-seconds S]     (commands on stdin, bench/protocol.ts)
 */
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../web/lib/protocol.ts";
import type { Observation, SubscribeCommand, SubscribedReport, SubscriberCommand } from "./protocol.ts";
import { emit, serveCommands, unknownCommand } from "./stdio.ts";
import { withTimeout } from "./wait.ts";
import { errorText } from "../shared/ocpp/errors.ts";

type PortalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Wall clock with sub-millisecond resolution, comparable across processes on one machine. */
const wallNow = () => performance.timeOrigin + performance.now();

/** Observations kept at most, so a run that goes on longer than planned cannot grow without bound. */
const MAX_OBSERVATIONS = 2_000_000;

class Subscriber {
  readonly sockets: PortalSocket[] = [];
  fleet: Observation[] = [];
  detail: Observation[] = [];
  fleetUpdates = 0;
  detailEvents = 0;
  disconnects = 0;
  /** The last energy seen per charger in fleet rows: only a change is a new observation. */
  #fleetLast = new Map<string, number>();

  async subscribe(cmd: SubscribeCommand): Promise<SubscribedReport> {
    const errors: Record<string, number> = {};
    let failed = 0;
    let fleetRows = 0;
    const open = (
      auth: { fleet?: boolean; chargerId?: string },
      ready: (s: PortalSocket) => Promise<void>,
    ) => {
      const s: PortalSocket = io(cmd.url, {
        transports: ["websocket"],
        forceNew: true, // one engine (one WebSocket) per view, as separate browser tabs would have
        reconnection: false,
        timeout: cmd.timeoutMs,
        extraHeaders: cmd.headers,
        auth,
      });
      this.sockets.push(s);
      s.on("disconnect", () => this.disconnects++);
      return withTimeout(ready(s), cmd.timeoutMs, `snapshot of subscription ${JSON.stringify(auth)}`).catch(
        (err) => {
          failed++;
          const m = errorText(err);
          errors[m] = (errors[m] ?? 0) + 1;
        },
      );
    };
    const waits: Promise<void>[] = [];
    if (cmd.fleet) {
      waits.push(open({ fleet: true }, (s) =>
        new Promise((resolve, reject) => {
          s.once("connect_error", reject);
          s.once("fleet:snapshot", (snap) => {
            fleetRows = snap.rows.length;
            for (const row of snap.rows) {
              const e = row.transactions[0]?.energyWh;
              if (e !== undefined) this.#fleetLast.set(row.id, e);
            }
            resolve();
          });
          s.on("fleet:update", (update) => {
            const at = wallNow();
            this.fleetUpdates++;
            for (const row of update.rows) {
              const e = row.transactions[0]?.energyWh;
              if (e === undefined || this.#fleetLast.get(row.id) === e) continue;
              this.#fleetLast.set(row.id, e);
              if (this.fleet.length < MAX_OBSERVATIONS) this.fleet.push([row.id, e, at]);
            }
          });
        })));
    }
    for (const chargerId of cmd.chargers) {
      waits.push(open({ chargerId }, (s) =>
        new Promise((resolve, reject) => {
          s.once("connect_error", reject);
          s.once("charger:snapshot", () => resolve());
          s.on("charger:event", (event) => {
            const at = wallNow();
            if (event.type !== "meter.values") return;
            this.detailEvents++;
            const e = event.samples.findLast((sample) => sample.energyWh !== undefined)?.energyWh;
            if (e !== undefined && this.detail.length < MAX_OBSERVATIONS) {
              this.detail.push([event.chargerId, e, at]);
            }
          });
        })));
    }
    await Promise.all(waits);
    return { type: "subscribed", sockets: this.sockets.length - failed, failed, fleetRows, errors };
  }

  reset(): void {
    this.fleet = [];
    this.detail = [];
    this.fleetUpdates = 0;
    this.detailEvents = 0;
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }
}

function main(): Promise<never> {
  return serveCommands<SubscriberCommand>("subscriber", () => {
    const sub = new Subscriber();
    return {
      async handle(cmd) {
        switch (cmd.cmd) {
          case "subscribe":
            return emit(await sub.subscribe(cmd));
          case "reset":
            return sub.reset();
          case "report":
            return emit({
              type: "observations",
              fleet: sub.fleet,
              detail: sub.detail,
              fleetUpdates: sub.fleetUpdates,
              detailEvents: sub.detailEvents,
              disconnects: sub.disconnects,
            });
          case "close":
            sub.close();
            emit({ type: "closed" });
            Deno.exit(0);
            break;
          default:
            throw unknownCommand(cmd);
        }
      },
      finish: () => sub.close(),
    };
  });
}

if (import.meta.main) await main();
