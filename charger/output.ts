/**
 * What the simulator prints. Pretty mode: a line per notable event and a live
 * line per charger (redrawn in place on a terminal); with a fleet, only
 * warnings and a summary every few seconds. JSON mode: one object per line,
 * every event and every summary, for other programs to read.
 */
import type { ChargePointSnapshot, ConnectorSnapshot } from "./handle.ts";
import type { ChargerEventRecord } from "./events.ts";
import type { FleetSummary } from "./fleet.ts";

export type LogMode = "pretty" | "json";

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const kw = (w: number) => `${(w / 1000).toFixed(1)} kW`;
const kwh = (wh: number) => `${(wh / 1000).toFixed(3)} kWh`;

/** One event as a readable line, or undefined for events that the live line shows better. */
export function formatEvent(e: ChargerEventRecord): string | undefined {
  const head = `${clock(e.at)} ${e.chargerId}`;
  switch (e.type) {
    case "connecting":
      return e.attempt === 0 ? `${head} connecting to ${e.url}` : undefined;
    case "connected":
      return `${head} connected (${e.protocol})`;
    case "disconnected":
      return `${head} ${e.wasOpen ? "disconnected" : "could not connect"}: ${e.reason || `code ${e.code}`}${
        e.retryInMs !== undefined ? `; retrying in ${(e.retryInMs / 1000).toFixed(1)} s` : ""
      }`;
    case "boot":
      return `${head} boot ${e.status}${
        e.status === "Accepted" ? ` (heartbeat every ${e.interval} s)` : ` (retry in ${e.interval} s)`
      }`;
    case "status":
      return `${head} connector ${e.connectorId} ${e.status}${
        e.errorCode !== "NoError" ? ` (${e.errorCode})` : ""
      }`;
    case "transactionStarted":
      return `${head} connector ${e.connectorId} transaction started for ${e.idTag}, meter ${e.meterStart} Wh`;
    case "transactionAccepted":
      return `${head} connector ${e.connectorId} transaction id ${e.transactionId} (${e.idTagStatus})`;
    case "transactionStopped":
      return `${head} connector ${e.connectorId} transaction ${
        e.transactionId ?? "(pending id)"
      } stopped: ${e.reason}, ${kwh(e.energyWh)} delivered`;
    case "meterValues":
      return undefined;
    case "limit":
      return `${head} connector ${e.connectorId} offered ${kw(e.offeredW)}${
        e.offeredW < e.maxW ? " (charging profile limit)" : " (no limit)"
      }`;
    case "command":
      return `${head} ${e.action} ${JSON.stringify(e.request)} -> ${JSON.stringify(e.response)}`;
    case "reset":
      return `${head} ${e.kind} reset: rebooting`;
    case "resetFailed":
      return `${head} reset attempt ${e.attempt} failed: ${
        e.gaveUp ? "giving up (ResetRetries exhausted)" : `${e.retriesLeft} retries left`
      }`;
    case "firmwareInstalled":
      return `${head} firmware ${e.version} installed (${e.bytes} bytes, sha256 ${e.sha256.slice(0, 12)}…)`;
    case "warning":
      return `${head} warning: ${e.message}`;
  }
}

function formatConnector(c: ConnectorSnapshot): string {
  const parts = [`#${c.connectorId} ${c.status}`];
  if (c.socPct !== undefined) parts.push(`SoC ${c.socPct.toFixed(1)}%`);
  if (c.sessionWh !== undefined) parts.push(kw(c.powerW), kwh(c.sessionWh));
  return parts.join(" ");
}

/** The live line of one charger: connection, then each connector's status, SoC, power and energy. */
export function formatLive(s: ChargePointSnapshot): string {
  const link = !s.online
    ? "offline"
    : s.registration === "Accepted"
    ? "online"
    : s.registration.toLowerCase();
  const queued = s.queued > 0 ? ` | ${s.queued} queued` : "";
  return `${s.id} ${link} | ${s.connectors.map(formatConnector).join(" | ")}${queued}`;
}

export function formatSummary(s: FleetSummary, at = Date.now()): string {
  const statuses = Object.entries(s.byStatus).sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`).join(", ");
  return `${clock(at)} fleet ${s.chargers}: ${s.online} online, ${s.accepted} accepted | ${statuses} | ` +
    `${s.transactions} charging sessions, ${kw(s.powerW)}, ${kwh(s.energyWh)} metered | ` +
    `${s.queued} queued | frames ${s.framesOut} out, ${s.framesIn} in`;
}

const OFF_TTY_LIVE_EVERY = 10;

export interface OutputOptions {
  mode: LogMode;
  fleet: boolean;
  write(text: string): void;
  /** Redraw the live line in place (a terminal) instead of printing it as lines. */
  tty: boolean;
}

export interface Output {
  event(e: ChargerEventRecord): void;
  /** Called every second with the chargers' snapshots (single charger only). */
  live(s: ChargePointSnapshot): void;
  summary(s: FleetSummary): void;
  /** Ends the live line so the shell prompt starts on a fresh line. */
  close(): void;
}

export function createOutput(o: OutputOptions): Output {
  let liveShown = "";
  let lastShape = "";
  let sinceLive = 0;
  const clearLive = () => {
    if (o.tty && liveShown) o.write("\r\x1b[2K");
  };
  const line = (text: string) => {
    clearLive();
    o.write(`${text}\n`);
    if (o.tty && liveShown) o.write(liveShown);
  };
  return {
    event(e) {
      if (o.mode === "json") {
        const { at, chargerId, ...rest } = e;
        return o.write(
          `${JSON.stringify({ at: new Date(at).toISOString(), charger: chargerId, ...rest })}\n`,
        );
      }
      if (o.fleet && e.type !== "warning") return;
      const text = formatEvent(e);
      if (text) line(text);
    },
    live(s) {
      if (o.mode === "json" || o.fleet) return;
      const text = formatLive(s);
      if (o.tty) {
        clearLive();
        liveShown = text;
        o.write(text);
      } else {
        // Off a terminal, print the live line when its shape changes (status, connection) and
        // every ten seconds otherwise, rather than flooding a log file every second.
        sinceLive++;
        const shape = text.replace(/[\d.]+/g, "");
        if (shape !== lastShape || sinceLive >= OFF_TTY_LIVE_EVERY) {
          lastShape = shape;
          sinceLive = 0;
          o.write(`${text}\n`);
        }
      }
    },
    summary(s) {
      if (o.mode === "json") {
        return o.write(`${JSON.stringify({ at: new Date().toISOString(), type: "summary", ...s })}\n`);
      }
      line(formatSummary(s));
    },
    close() {
      if (o.tty && liveShown) o.write("\n");
      liveShown = "";
    },
  };
}
