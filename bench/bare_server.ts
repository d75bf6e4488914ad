/**
 * The bare baseline: a `Deno.serve` WebSocket server that does the least any OCPP-J server must do
 * (accept the `ocpp1.6` subprotocol, parse each frame, answer each CALL with a constant CALLRESULT for
 * its action, bench/bare_answers.mjs). Nothing is validated, stored or published, so the same driver against it measures what
 * this machine's WebSocket stack and the driver itself allow: the limit Chargewire is compared with.
 *
 *   deno run -A bench/bare_server.ts [--port 0] [--max-seconds S] [--exit-on-stdin-eof]
 *
 * Prints one JSON line {"type":"listening","port":N} and serves until SIGTERM/SIGINT, --max-seconds,
 * or (with --exit-on-stdin-eof, as the bench runs it) the end of stdin: its parent is gone.
 */
import { parseArgs } from "node:util";
import type { ListeningReport } from "./protocol.ts";
import { answerFrame } from "./bare_answers.mjs";

const SUBPROTOCOL = "ocpp1.6";

export interface BareServer {
  port: number;
  close(): Promise<void>;
}

export function startBareServer(port = 0, hostname = "127.0.0.1"): Promise<BareServer> {
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname,
      port,
      onListen: (addr) => resolve({ port: addr.port, close: () => server.shutdown() }),
    }, (req) => {
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("WebSocket only\n", { status: 426 });
      }
      const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) => s.trim());
      if (!offered.includes(SUBPROTOCOL)) return new Response("ocpp1.6 required\n", { status: 400 });
      const { socket, response } = Deno.upgradeWebSocket(req, { protocol: SUBPROTOCOL });
      socket.onmessage = (e) => {
        if (typeof e.data !== "string") return;
        const reply = answerFrame(e.data);
        if (reply !== undefined && socket.readyState === WebSocket.OPEN) socket.send(reply);
      };
      return response;
    });
  });
}

async function main(): Promise<void> {
  let port = 0, maxSeconds = 1800, exitOnEof = false;
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        port: { type: "string" },
        "max-seconds": { type: "string" },
        "exit-on-stdin-eof": { type: "boolean" },
      },
    });
    exitOnEof = values["exit-on-stdin-eof"] ?? false;
    port = Number(values.port ?? 0);
    maxSeconds = Number(values["max-seconds"] ?? 1800);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be 0..65535");
    if (!Number.isFinite(maxSeconds) || maxSeconds <= 0) throw new Error("--max-seconds must be positive");
  } catch (err) {
    console.error(`bare_server: ${err instanceof Error ? err.message : err}`);
    Deno.exit(2);
  }
  const server = await startBareServer(port);
  const report: ListeningReport = { type: "listening", port: server.port };
  console.log(JSON.stringify(report));
  const stop = () => Deno.exit(0);
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  setTimeout(stop, maxSeconds * 1000);
  if (exitOnEof) {
    for await (const _ of Deno.stdin.readable) {
      // nothing is read from stdin; its end is the signal
    }
    stop();
  }
}

if (import.meta.main) await main();
