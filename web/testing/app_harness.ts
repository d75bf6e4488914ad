/**
 * Test support (not imported by any production module): the portal's Hono app built in memory, for route
 * tests that run with `app.request()` instead of a server on a port (as Hono and Fresh test their apps).
 *
 * Every part is the real one, wired as web/server.ts and csms/server.ts wire them, minus the network: the
 * real Auth service and audit log on a temp DATA_DIR's portal.db, the CSMS's real SQLite storage engine
 * (openStorage) on the same DATA_DIR for the read model, and a MemoryBus on which the CSMS's real admin
 * handler (csms/admin.ts) and real command handler (csms/commands.ts) are served over a real, empty
 * Connections table: no charger is ever connected here, so every command answers as for an absent
 * charger (`offline`, or `invalid` for an action no protocol has). Tests that need a live charger,
 * Socket.IO, a browser or a process restart stay in tests/ (end to end).
 *
 * Left out: no HTTP server, no Socket.IO (socket figures are a bridge's with no clients), and no island
 * build: the asset table is loadAssets() — the real stylesheets and icon, and pages that name no script —
 * so no test here may depend on the islands' build.
 */
import { type Send, signIn, TestSession } from "./session.ts";
import type { Hono } from "hono";
import { createAdminHandler } from "../../csms/admin.ts";
import { createCommandHandler } from "../../csms/commands.ts";
import { type CsmsConfig, loadCsmsConfig } from "../../csms/config.ts";
import { Connections } from "../../csms/connections.ts";
import { EventSink } from "../../csms/event_sink.ts";
import { createAdapters } from "../../csms/adapters.ts";
import { IdTagAuthorizer } from "../../csms/id_tag_auth.ts";
import { openStorage } from "../../csms/store/open.ts";
import { MemoryBus } from "../../shared/bus_memory.ts";
import type { BusEvent } from "../../shared/events.ts";
import type { CsmsReads } from "../../shared/queries.ts";
import type { CsmsStorage } from "../../shared/storage.ts";
import { createApp } from "../app.ts";
import { loadAssets } from "../assets.ts";
import { AuditLog } from "../audit/log.ts";
import type { AppEnv } from "../auth/http.ts";
import { Auth, type AuthOptions, type BootstrapResult } from "../auth/service.ts";
import { chargerSnapshots } from "../bridge/charger_snapshot.ts";
import { loadWebConfig } from "../config.ts";
import { FleetState } from "../lib/fleet_state.ts";
import {
  FLEET_SERIES_BUCKET_MS,
  FLEET_SERIES_SPAN_MS,
  FleetSeries,
  fleetTotals,
} from "../lib/fleet_series.ts";
import { FrameLog } from "../lib/frame_log.ts";
import { DEFAULT_BUFFER_LIMITS, SlowConsumerCounters } from "../lib/outbox.ts";
import { RefusalCounter } from "../lib/refusal_stats.ts";

/** The admin password every harness starts with (ADMIN_PASSWORD), as tests/web_support.ts's. */
export const ADMIN_PASSWORD = "test-admin-password";

/** The portal's origin as the in-memory requests name it (URL, Host header, and Origin on writes). */
export const BASE = "http://portal.test";

/** The CSMS node id of the harness's CSMS half. */
export const NODE = "app-harness";

/** The peer address every request comes from (what login rate limits and the audit log key on). */
export const PEER_ADDRESS = "127.0.0.1";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** One request to the app: a path (or a URL on BASE) and fetch's init. */

export interface AppHarness {
  app: Hono<AppEnv>;
  /** BASE: what a session's Origin is. */
  base: string;
  /** A request as an HTTP client would make it: on BASE, with its Host header, from PEER_ADDRESS. */
  fetch: Send;
  bus: MemoryBus;
  /** Every Bus event so far. */
  events: BusEvent[];
  storage: CsmsStorage;
  reads: CsmsReads;
  auth: Auth;
  audit: AuditLog;
  /** What start-up did to user `admin`. */
  admin: BootstrapResult;
  dataDir: string;
  /** Signs in over the real API (POST /api/v1/session); admin with ADMIN_PASSWORD by default. */
  login(username?: string, password?: string): Promise<AppSession>;
  /** The CSMS stops serving commands (as when it shuts down): they answer `unavailable`. */
  stopServingCommands(): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment for both halves' config loaders (ALLOWED_ORIGINS, CHARGER_POLICY, ...). */
  env?: Record<string, string>;
  auth?: AuthOptions;
}

/** Builds the portal app in memory on a fresh temp DATA_DIR; close() removes everything. */
export async function startApp(options: HarnessOptions = {}): Promise<AppHarness> {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_app_test_" });
  const env = { DATA_DIR: dataDir, ADMIN_PASSWORD, ...options.env };
  const cleanups: Array<() => unknown> = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  try {
    const bus = new MemoryBus();
    cleanups.push(() => bus.close());
    const events: BusEvent[] = [];
    bus.subscribe((e) => events.push(e));

    // The CSMS's half, as csms/server.ts builds it, without its WebSocket server.
    const csmsConfig: CsmsConfig = loadCsmsConfig(env);
    // SQLite in DATA_DIR: `env` (not the process's) names no DATABASE_URL.
    const storage = await openStorage(csmsConfig, NODE);
    cleanups.push(() => storage.close());
    const sink = new EventSink(bus, storage);
    const connections = new Connections(sink, storage.chargers, NODE);
    const idTags = new IdTagAuthorizer(csmsConfig.authPolicy, storage.idTokens);
    // Both protocols, as csms/server.ts has them: which one takes an action decides `invalid` or `offline`.
    // No file routes are served here: a file command's URLs name an address nothing listens on.
    const adapters = createAdapters(
      { config: csmsConfig, storage, sink, auth: idTags, vendors: new Map() },
      () => "http://127.0.0.1:9",
    );
    const unserve = bus.serveCommands(
      createCommandHandler({ connections, sink, adapters, callTimeoutMs: csmsConfig.callTimeout * 1000 }),
    );
    cleanups.push(unserve);
    cleanups.push(bus.serveAdmin(createAdminHandler({ storage, connections, sink, bus })));

    // The portal's half, as web/server.ts builds it, without node:http, Socket.IO or the island bundle.
    const webConfig = loadWebConfig(env);
    const auth = await Auth.open(webConfig, options.auth);
    cleanups.push(() => auth.close());
    const audit = await AuditLog.open(webConfig, { retentionDays: webConfig.auditRetentionDays });
    cleanups.push(() => audit.close());
    const admin = await auth.bootstrap(webConfig.adminPassword);
    if (admin.action === "created" || admin.action === "reset") {
      await audit.record({
        actor: "portal",
        actorKind: "system",
        action: "admin.bootstrap",
        target: "admin",
        detail: { result: admin.action, password: admin.generatedPassword ? "generated" : "ADMIN_PASSWORD" },
      });
    }
    // The bridge's fleet state and frame log follow the bus as web/bridge.ts's do.
    const fleet = new FleetState();
    const frames = new FrameLog();
    fleet.load(await storage.reads.listChargers());
    cleanups.push(bus.subscribe((event) => {
      fleet.apply(event);
      if (event.type === "ocpp.frame") frames.push(event);
      else if (event.type === "charger.connected") frames.online(event.chargerId);
      else if (event.type === "charger.disconnected" && !fleet.summary(event.chargerId)?.online) {
        frames.offline(event.chargerId);
      }
    }));
    // The bridge's fleet series, sampled when asked (the bridge also samples on a timer).
    const series = new FleetSeries({ bucketMs: FLEET_SERIES_BUCKET_MS, spanMs: FLEET_SERIES_SPAN_MS });
    const refusals = new RefusalCounter();
    cleanups.push(bus.subscribe((e) => e.type === "charger.refused" && refusals.add(e)));
    const counters = new SlowConsumerCounters(DEFAULT_BUFFER_LIMITS);
    const app = createApp({
      bus,
      reads: storage.reads,
      fleet,
      frames,
      assets: await loadAssets(),
      auth,
      audit,
      allowedOrigins: webConfig.allowedOrigins,
      chargerSnapshot: chargerSnapshots(storage.reads, fleet, frames, {
        frames: 300,
        samples: 1000,
        events: 500,
      }),
      socketStats: () => ({ clients: 0, ...counters.snapshot(), behind: [] }),
      refusalStats: () => refusals.stats(),
      fleetHistory: () => {
        series.record(fleetTotals(fleet.rows()));
        return series.history();
      },
      ocppUrl: "ws://127.0.0.1:9/ocpp",
    });

    const host = new URL(BASE).host;
    // What node:http hands Hono (web/server.ts): the peer's socket, for clientAddress().
    const bindings = { incoming: { socket: { remoteAddress: PEER_ADDRESS } } };
    const fetch: Send = async (path, init = {}) => {
      const url = path.startsWith("http") ? path : `${BASE}${path}`;
      const headers = new Headers(init.headers);
      if (!headers.has("host")) headers.set("host", host);
      // Redirects are never followed: in memory every request is redirect: "manual".
      return await app.request(url, { ...init, headers }, bindings as never);
    };

    return {
      app,
      base: BASE,
      fetch,
      bus,
      events,
      storage,
      reads: storage.reads,
      auth,
      audit,
      admin,
      dataDir,
      login: (username = "admin", password = ADMIN_PASSWORD) => AppSession.login(fetch, username, password),
      stopServingCommands: unserve,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A signed-in portal user against the in-memory app (requests through `app.request`). */
export class AppSession extends TestSession {
  static async login(send: Send, username: string, password: string): Promise<AppSession> {
    return new AppSession(send, BASE, await signIn(send, BASE, username, password));
  }

  protected as(username: string, password: string): Promise<this> {
    return AppSession.login(this.send, username, password) as Promise<this>;
  }
}
