/**
 * csms mode: we play the charging station against the CSMS under test. Each case opens its own
 * connections (so a boot case starts from a cold station), and what it arranged on the CSMS is put back
 * when it ends.
 */
import type { JsonObject } from "../shared/ocpp/frames.ts";
import type { OcppVersion } from "../shared/ocpp/version.ts";
import { CaseFailed, type CaseInfo, Inconclusive, NotApplicable } from "./case.ts";
import { type Answer, type CallHandler, type IncomingCall, Link, type Payload } from "./link.ts";
import type { Arrangement, Command, Operator } from "./operator.ts";
import type { CaseScope, Mode } from "./runner.ts";
import { ConnectError, connectStation } from "./transport.ts";

export interface StationOptions {
  url: string;
  id: string;
  password?: string;
  version: OcppVersion;
  operator: Operator;
  /** How long the CSMS has to answer one of our calls. */
  answerMs: number;
  /** How long an action of the CSMS (or its operator) may take: a command to arrive, a setting to hold. */
  actionMs: number;
}

export interface StationCtx extends CaseScope {
  readonly options: StationOptions;
  readonly version: OcppVersion;
  readonly id: string;
  /** Opens a connection as our station (`password` null: none, even when --password was given). */
  connect(o?: { password?: string | null }): Promise<Link>;
  /** Our call; a CSMS that does not answer in time fails the case. */
  call(link: Link, action: string, payload: JsonObject): Promise<Answer>;
  /** Our call, which must be answered with a CALLRESULT: its payload. */
  result(link: Link, action: string, payload: JsonObject): Promise<Payload>;
  /** Makes the CSMS hold a state; inconclusive when it could not be done. */
  arrange(a: Arrangement): Promise<void>;
  /** Asks for a command and waits for the CALL; inconclusive when none came in time. */
  command(link: Link, c: Omit<Command, "stationId">): Promise<IncomingCall>;
  /** An id token name of this run's own. */
  tag(name: string): string;
}

/** What a station answers when a case did not say otherwise: accepting, schema-valid answers. */
export function stationDefaults(version: OcppVersion): Map<string, CallHandler> {
  const accepted: CallHandler = () => ({ status: "Accepted" });
  const m = new Map<string, CallHandler>([
    ["ChangeAvailability", accepted],
    ["Reset", accepted],
    ["TriggerMessage", accepted],
    ["ClearCache", accepted],
    ["DataTransfer", () => ({ status: "UnknownVendorId" })],
  ]);
  if (version === "ocpp1.6") {
    m.set("RemoteStartTransaction", accepted);
    m.set("RemoteStopTransaction", accepted);
    m.set("ChangeConfiguration", accepted);
    m.set("GetConfiguration", (p) => ({ configurationKey: [], unknownKey: p.key ?? [] }));
    m.set("UnlockConnector", () => ({ status: "Unlocked" }));
    m.set("SetChargingProfile", accepted);
    m.set("ClearChargingProfile", accepted);
    m.set("GetCompositeSchedule", () => ({ status: "Rejected" }));
    m.set("ReserveNow", accepted);
    m.set("CancelReservation", accepted);
    m.set("SendLocalList", accepted);
    m.set("GetLocalListVersion", () => ({ listVersion: 0 }));
  } else {
    m.set("RequestStartTransaction", accepted);
    m.set("RequestStopTransaction", accepted);
    m.set("GetBaseReport", accepted);
    m.set("UnlockConnector", () => ({ status: "Unlocked" }));
    m.set("GetVariables", (p: Payload) => ({
      getVariableResult: p.getVariableData.map((d: Payload) => ({
        attributeStatus: "UnknownVariable",
        component: d.component,
        variable: d.variable,
      })),
    }));
    m.set("SetVariables", (p: Payload) => ({
      setVariableResult: p.setVariableData.map((d: Payload) => ({
        attributeStatus: "Accepted",
        component: d.component,
        variable: d.variable,
      })),
    }));
  }
  return m;
}

interface Open {
  links: Link[];
  arranged: Arrangement[];
}

export function stationMode(o: StationOptions, runId: string): Mode<StationCtx> {
  const state = new WeakMap<StationCtx, Open>();
  return {
    open(_info: CaseInfo, scope: CaseScope) {
      const open: Open = { links: [], arranged: [] };
      const ctx: StationCtx = {
        ...scope,
        options: o,
        version: o.version,
        id: o.id,
        async connect(c = {}) {
          const password = c.password === null ? undefined : c.password ?? o.password;
          let transport;
          try {
            transport = await connectStation({
              url: o.url,
              id: o.id,
              protocol: o.version,
              password,
              timeoutMs: o.answerMs,
            });
          } catch (err) {
            if (err instanceof ConnectError) throw new CaseFailed(err.message);
            throw err;
          }
          const link = new Link({ version: o.version, transport, clock: scope.clock, record: scope.record });
          for (const [action, h] of stationDefaults(o.version)) link.handlers.set(action, h);
          open.links.push(link);
          return link;
        },
        async call(link, action, payload) {
          const answer = await link.call(action, payload, o.answerMs);
          if (answer.kind === "timeout") {
            throw new CaseFailed(`no answer to ${action} within ${o.answerMs} ms`);
          }
          if (answer.kind === "closed") {
            throw new CaseFailed(`the CSMS closed the connection instead of answering ${action}`);
          }
          return answer;
        },
        async result(link, action, payload) {
          const answer = await ctx.call(link, action, payload);
          if (answer.kind !== "result") {
            throw new CaseFailed(
              `${action} was answered with CALLERROR ${answer.kind === "error" ? answer.code : ""}`,
            );
          }
          return answer.payload;
        },
        async arrange(a) {
          const outcome = await o.operator.arrange(a, o.actionMs);
          if (!outcome.done) throw new Inconclusive(outcome.why);
          if (a.kind === "boot-status" && a.status !== "Accepted") open.arranged.push(a);
          scope.note(`arranged: ${JSON.stringify(a)}`);
        },
        async command(link, c) {
          o.operator.ask({ ...c, stationId: o.id }, o.actionMs, scope.note);
          const call = await link.expectCall(c.action, o.actionMs);
          if (!call) {
            throw link.closed
              ? new CaseFailed(`the CSMS closed the connection while we waited for ${c.action}`)
              : new Inconclusive(`no ${c.action} from the CSMS within ${o.actionMs} ms`);
          }
          return call;
        },
        tag: (name) => `${name}-${runId}`.slice(0, 20),
      };
      state.set(ctx, open);
      return Promise.resolve(ctx);
    },
    async close(ctx) {
      const open = state.get(ctx)!;
      await Promise.all(open.links.map((l) => l.close()));
      // A station left Pending or Rejected would spoil the cases after this one.
      for (const a of open.arranged) {
        if (a.kind === "boot-status") await o.operator.arrange({ ...a, status: "Accepted" }, o.actionMs);
      }
    },
  };
}

export { NotApplicable };
