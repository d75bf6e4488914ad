/**
 * The reference servers that run under Node: the `ocpp-rpc` strict peer (bench/peer_server.mjs) and the
 * bare npm `ws` server (bench/node_ws_server.mjs). Node loads `ocpp-rpc` and `ws` from node_modules/, which
 * `deno install` fills from deno.lock (the same pinned versions Deno uses, nothing beyond the npm
 * registry); a checkout without it gets `deno install` run once here.
 */
import { type ChildProc, startListeningProc } from "./procs.ts";

export type NodeServerKind = "peer" | "node";

const ROOT = new URL("..", import.meta.url);
const SCRIPTS: Record<NodeServerKind, { name: string; script: string }> = {
  peer: { name: "ocpp-rpc peer", script: "bench/peer_server.mjs" },
  node: { name: "bare Node server", script: "bench/node_ws_server.mjs" },
};
const PACKAGES = ["ocpp-rpc", "ws"];

/** The `node` program (NODE, else the first on PATH), or undefined where there is none. */
export function nodeExecutable(): string | undefined {
  const given = Deno.env.get("NODE");
  const candidates = given ? [given] : (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)
    .map((dir) => `${dir}/node`);
  return candidates.find((path) => {
    try {
      const info = Deno.statSync(path);
      return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
    } catch {
      return false;
    }
  });
}

function packagesMissing(): string[] {
  return PACKAGES.filter((p) => {
    try {
      Deno.statSync(new URL(`node_modules/${p}/package.json`, ROOT));
      return false;
    } catch {
      return true;
    }
  });
}

let installed: Promise<void> | undefined;

/** Puts `ocpp-rpc` and `ws` into node_modules/ (from deno.lock) when they are not there yet. */
function ensurePackages(): Promise<void> {
  if (packagesMissing().length === 0) return Promise.resolve();
  installed ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), { args: ["install"], cwd: ROOT, stdout: "null" })
      .output();
    const still = packagesMissing();
    if (!out.success || still.length > 0) {
      const why = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
      throw new Error(`deno install did not provide ${still.join(", ")} in node_modules/: ${why}`);
    }
  })();
  return installed;
}

/** Starts one of the Node servers on a free port of 127.0.0.1. */
export async function startNodeServer(kind: NodeServerKind): Promise<{ proc: ChildProc; port: number }> {
  const node = nodeExecutable();
  if (!node) throw new Error("no node on PATH (set NODE to its path)");
  await ensurePackages();
  const { name, script } = SCRIPTS[kind];
  return await startListeningProc(name, { executable: node, args: [script, "--port", "0"] });
}
