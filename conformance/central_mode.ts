/**
 * charger mode: we play the CSMS and the charger under test connects to us. One connection serves the
 * cases in turn (a reset case waits for the next one); what the charger sends is answered the way a
 * plain, accepting CSMS would unless a case says otherwise, and its frames go to the case running.
 */
import type { JsonObject } from "../shared/ocpp/frames.ts";
import type { OcppVersion } from "../shared/ocpp/version.ts";
import { CaseFailed, type CaseInfo, Inconclusive, NotApplicable } from "./case.ts";
import type { Clock } from "./clock.ts";
import {
  type Answer,
  type CallHandler,
  type IncomingCall,
  Link,
  type Payload,
  type WireFrame,
} from "./link.ts";
import type { CaseScope, Mode } from "./runner.ts";
import type { AcceptedStation, StationListener } from "./transport.ts";

export interface CentralOptions {
  listener: StationListener;
  version: OcppVersion;
  answerMs: number;
  actionMs: number;
  /** The heartbeat interval we give the charger at boot, seconds. */
  heartbeatS: number;
  clock: Clock;
  print(line: string): void;
}

export interface CentralCtx extends CaseScope {
  readonly options: CentralOptions;
  readonly version: OcppVersion;
  /** The charger's connection; waits for it to connect (inconclusive when it does not). */
  link(): Promise<Link>;
  /** The BootNotification of the current connection, once it came. */
  boot(): Promise<IncomingCall>;
  /** Our call; a charger that does not answer in time fails the case. */
  call(action: string, payload: JsonObject): Promise<Answer>;
  /** Our call, which must get a CALLRESULT: its payload. */
  result(action: string, payload: JsonObject): Promise<Payload>;
  /** The charger's next call that matches; fails the case when none comes within `ms` (default: answer time). */
  expect(match: string | ((c: IncomingCall) => boolean), what: string, ms?: number): Promise<IncomingCall>;
  /** Waits for the connection to close and the charger to connect and boot again. */
  reconnect(): Promise<Link>;
  /** Answers the charger's `action` this way for the rest of the case. */
  answer(action: string, handler: CallHandler): void;
  /** 1.6: ends the case as not applicable unless the charger declares the feature profile. */
  requireProfile(profile: string): Promise<void>;
}

/** What we answer when a case did not say otherwise: a plain CSMS that accepts everything. */
export function centralDefaults(
  version: OcppVersion,
  clock: Clock,
  heartbeatS: number,
): Map<string, CallHandler> {
  let nextTx = 1;
  const empty: CallHandler = () => ({});
  const m = new Map<string, CallHandler>([
    ["BootNotification", () => ({ status: "Accepted", currentTime: clock.isoNow(), interval: heartbeatS })],
    ["Heartbeat", () => ({ currentTime: clock.isoNow() })],
    ["StatusNotification", empty],
    ["FirmwareStatusNotification", empty],
    ["DataTransfer", () => ({ status: "UnknownVendorId" })],
    // The security extension (1.6) and its 2.0.1 counterparts.
    ["SecurityEventNotification", empty],
    ["SignedFirmwareStatusNotification", empty],
    ["LogStatusNotification", empty],
  ]);
  if (version === "ocpp1.6") {
    m.set("Authorize", () => ({ idTagInfo: { status: "Accepted" } }));
    m.set("StartTransaction", () => ({ transactionId: nextTx++, idTagInfo: { status: "Accepted" } }));
    m.set("StopTransaction", empty);
    m.set("MeterValues", empty);
    m.set("DiagnosticsStatusNotification", empty);
  } else {
    m.set("Authorize", () => ({ idTokenInfo: { status: "Accepted" } }));
    m.set("TransactionEvent", (p: Payload) => (p.idToken ? { idTokenInfo: { status: "Accepted" } } : {}));
    m.set("MeterValues", empty);
    m.set("NotifyReport", empty);
    m.set("NotifyEvent", empty);
    m.set("NotifyMonitoringReport", empty);
    m.set("NotifyChargingLimit", empty);
    m.set("ReportChargingProfiles", empty);
    m.set("NotifyCustomerInformation", empty);
  }
  return m;
}

export interface CentralMode extends Mode<CentralCtx> {
  /** Who was tested: the charger's identity once it connected. */
  target(): string;
  shutdown(): Promise<void>;
}

export function centralMode(o: CentralOptions): CentralMode {
  let current: { station: AcceptedStation; link: Link } | undefined;
  let recordTo: ((f: WireFrame) => void) | undefined;
  let caseHandlers = new Map<string, CallHandler>();
  let profiles: string[] | undefined;
  let identity = "";
  const defaults = centralDefaults(o.version, o.clock, o.heartbeatS);
  let prompted = false;

  function adopt(station: AcceptedStation) {
    const link = new Link({
      version: o.version,
      transport: station.transport,
      clock: o.clock,
      record: (f) => recordTo?.(f),
    });
    // Case handlers first, then the defaults: looked up at each call, so a case's answer holds at once.
    for (const action of new Set([...defaults.keys()])) {
      link.handlers.set(action, (p, c) => (caseHandlers.get(action) ?? defaults.get(action))!(p, c));
    }
    // A plain CSMS without the feature: a call it has no answer for must not stall the charger's queue.
    link.fallback = (_p, c) => ({
      callError: "NotSupported",
      description: `${c.action} is not supported here`,
    });
    current = { station, link };
    identity = station.identity;
    return link;
  }

  async function link(): Promise<Link> {
    if (current && !current.link.closed) return current.link;
    if (!prompted) {
      o.print(`  >> Waiting up to ${Math.round(o.actionMs / 1000)} s for the charger under test to connect.`);
      prompted = true;
    }
    const station = await o.listener.next(AbortSignal.timeout(o.actionMs));
    if (!station) throw new Inconclusive(`no charger connected within ${o.actionMs} ms`);
    return adopt(station);
  }

  const mode: CentralMode = {
    target: () => (identity ? `charger ${identity}` : "no charger connected"),
    async shutdown() {
      await current?.link.close();
    },
    open(_info: CaseInfo, scope: CaseScope) {
      recordTo = scope.record;
      caseHandlers = new Map();
      current?.link.skipReceived();
      const ctx: CentralCtx = {
        ...scope,
        options: o,
        version: o.version,
        link,
        async boot() {
          const l = await link();
          const boot = l.inbox.find((c) => c.action === "BootNotification");
          if (boot) return boot;
          const call = await l.expectCall("BootNotification", o.actionMs);
          if (!call) throw new Inconclusive(`no BootNotification within ${o.actionMs} ms of connecting`);
          return call;
        },
        async call(action, payload) {
          const l = await link();
          const answer = await l.call(action, payload, o.answerMs);
          if (answer.kind === "timeout") {
            throw new CaseFailed(`no answer to ${action} within ${o.answerMs} ms`);
          }
          if (answer.kind === "closed") {
            throw new CaseFailed(`the charger closed the connection instead of answering ${action}`);
          }
          return answer;
        },
        async result(action, payload) {
          const answer = await ctx.call(action, payload);
          if (answer.kind !== "result") {
            throw new CaseFailed(
              `${action} was answered with CALLERROR ${answer.kind === "error" ? answer.code : ""}`,
            );
          }
          return answer.payload;
        },
        async expect(match, what, ms = o.answerMs) {
          const l = await link();
          const call = await l.expectCall(match, ms);
          if (!call) throw new CaseFailed(`no ${what} from the charger within ${ms} ms`);
          return call;
        },
        async reconnect() {
          const l = await link();
          if (!(await l.waitClosed(o.actionMs))) {
            throw new CaseFailed(`the charger did not close its connection within ${o.actionMs} ms`);
          }
          const station = await o.listener.next(AbortSignal.timeout(o.actionMs));
          if (!station) throw new CaseFailed(`the charger did not connect again within ${o.actionMs} ms`);
          const fresh = adopt(station);
          return fresh;
        },
        answer(action, handler) {
          caseHandlers.set(action, handler);
        },
        async requireProfile(profile) {
          if (o.version !== "ocpp1.6") return;
          if (!profiles) {
            const res = await ctx.result("GetConfiguration", { key: ["SupportedFeatureProfiles"] });
            const entry = (res.configurationKey ?? []).find((k: Payload) =>
              k.key === "SupportedFeatureProfiles"
            );
            profiles = String(entry?.value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
          }
          if (!profiles.includes(profile)) {
            throw new NotApplicable(
              `the charger does not declare ${profile} in SupportedFeatureProfiles (${
                profiles.join(",") || "none"
              })`,
            );
          }
        },
      };
      return Promise.resolve(ctx);
    },
    close() {
      recordTo = undefined;
      caseHandlers = new Map();
      return Promise.resolve();
    },
  };
  return mode;
}
