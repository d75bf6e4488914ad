/**
 * The portal's one HTTP server: node:http with Hono's request listener (via
 * @hono/node-server), and Socket.IO attached to the same server and port.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Server as SocketServer } from "socket.io";
import type { Bus } from "../shared/events.ts";
import type { CsmsQueries } from "../shared/queries.ts";
import { createApp } from "./app.ts";
import { loadAssets } from "./assets.ts";
import { attachBridge, type BridgeOptions, type BridgeServer } from "./bridge.ts";
import { bundleIslands } from "./bundle.ts";
import type { WebConfig } from "./config.ts";

export interface WebDeps {
  bus: Bus;
  queries: CsmsQueries;
  /** The CSMS's OCPP endpoint, shown to operators with an empty fleet. */
  ocppUrl?: string;
  bridge?: BridgeOptions;
}

export interface WebServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startWeb(config: WebConfig, deps: WebDeps): Promise<WebServer> {
  const bundle = await bundleIslands();
  const assets = await loadAssets(bundle);

  // Socket.IO takes over the server's request listeners when it attaches and passes on what is not its own,
  // so Hono's listener must be in place first; it forwards to the app once the app exists (before listening).
  // overrideGlobalObjects: false keeps Deno's own Request/Response globals, which the CSMS in the same process
  // (Deno.serve) relies on.
  const route: { fetch: (req: Request) => Response | Promise<Response> } = {
    fetch: () => new Response("starting", { status: 503 }),
  };
  const httpServer = createServer(
    getRequestListener((req) => route.fetch(req), { overrideGlobalObjects: false }),
  );
  const io: BridgeServer = new SocketServer(httpServer, {
    serveClient: false,
    // A fleet snapshot is a few MB of repetitive JSON for 10,000 chargers; compressed it is a tenth of that.
    // Small messages (most updates) stay uncompressed, so the CPU cost is paid only where it pays off.
    perMessageDeflate: { threshold: 8192 },
  });
  const bridge = await attachBridge(io, deps.bus, deps.queries, deps.bridge);
  route.fetch = createApp({
    bus: deps.bus,
    queries: deps.queries,
    fleet: bridge.fleet,
    assets,
    chargerSnapshot: bridge.chargerSnapshot,
    ocppUrl: deps.ocppUrl,
  }).fetch;

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    bridge.close();
    io.close();
    throw new Error(`the portal cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    close() {
      closing ??= (async () => {
        bridge.close();
        io.disconnectSockets(true);
        const closed = new Promise<void>((resolve) => io.close(() => resolve()));
        // Browsers keep idle HTTP connections open; shutting down must not wait for them.
        httpServer.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
