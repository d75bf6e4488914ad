/**
 * A rotated AuthorizationKey stays secret, and the rotation works: `deno task
 * dev` (main.ts) runs as a child process with CHARGER_POLICY=basic, a simulated
 * charger (charger/main.ts, its own process) is registered with profile 1, a
 * viewer watches it over Socket.IO, and an operator sends ChangeConfiguration
 * AuthorizationKey over REST. The new key is then searched for, as bytes, in
 * every file of the data directory (the databases and their -wal/-shm files),
 * every API answer, the Socket.IO stream and both processes' output; the
 * charger reconnects with the new key, and the old one is refused.
 */
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import WebSocket from "ws";
import { basicAuth } from "../charger/transport.ts";
import { REDACTED } from "../shared/ocpp/redact.ts";
import { ADMIN_PASSWORD, ChargerProcess, PortalSession, ROOT, waitFor } from "./web_support.ts";

const ID = "CP-ROTATE";

/** A fresh key of the whitepaper's kind: 32 random alphanumerics, so no other byte string holds it. */
function randomKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => alphabet[b % alphabet.length]).join(
    "",
  );
}

/** `deno task dev` as a child process; everything it prints is kept. */
class System {
  output = "";
  readonly #child: Deno.ChildProcess;
  readonly #read: Promise<void>;

  constructor(readonly dataDir: string) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}main.ts`],
      cwd: ROOT,
      env: {
        NO_COLOR: "1",
        HOST: "127.0.0.1",
        WEB_PORT: "0",
        CSMS_PORT: "0",
        DATA_DIR: dataDir,
        ADMIN_PASSWORD,
        CHARGER_POLICY: "basic",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      for await (const bytes of stream) this.output += decoder.decode(bytes, { stream: true });
    };
    this.#read = Promise.all([collect(this.#child.stdout), collect(this.#child.stderr)]).then(() => {});
  }

  /** The portal's base URL and the OCPP endpoint's base, once printed. */
  addresses(): Promise<{ portal: string; ocpp: string }> {
    return waitFor(() => {
      const portal = /Portal:\s+(http:\/\/\S+)/.exec(this.output)?.[1];
      const ocpp = /OCPP endpoint:\s+(ws:\/\/\S+)\/\{chargePointId\}/.exec(this.output)?.[1];
      return portal && ocpp ? { portal, ocpp } : undefined;
    }, () => `the addresses; printed:\n${this.output}`);
  }

  async stop(): Promise<number> {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const { code } = await this.#child.status;
    await this.#read;
    return code;
  }
}

/** Every file under `dir`, with its bytes. */
async function filesUnder(dir: string): Promise<{ path: string; bytes: Uint8Array }[]> {
  const out: { path: string; bytes: Uint8Array }[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await filesUnder(path));
    else if (entry.isFile) out.push({ path, bytes: await Deno.readFile(path) });
  }
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The files of the data directory that hold `text`, as UTF-8 bytes. */
async function filesHolding(dataDir: string, text: string): Promise<string[]> {
  const needle = new TextEncoder().encode(text);
  return (await filesUnder(dataDir)).filter((f) => contains(f.bytes, needle)).map((f) => f.path);
}

/** One WebSocket handshake to the OCPP endpoint with npm:ws: the HTTP status the CSMS answered. */
function handshakeStatus(url: string, password: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    let status: number | undefined;
    const ws = new WebSocket(url, ["ocpp1.6"], { headers: { authorization: basicAuth(ID, password) } });
    ws.on("unexpected-response", (_req, res: IncomingMessage) => {
      status = res.statusCode;
      res.resume();
      ws.terminate();
    });
    ws.on("upgrade", (res: IncomingMessage) => status = res.statusCode);
    ws.on("open", () => ws.close(1000));
    ws.on("error", () => {});
    ws.on("close", () => resolve(status));
  });
}

Deno.test({
  name: "key rotation: a new AuthorizationKey is nowhere in clear (files, API, Socket.IO, output) and works",
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "chargewire_rotation_test_" });
    const system = new System(dataDir);
    let charger: ChargerProcess | undefined;
    const sockets: { close(): void }[] = [];
    const oldKey = randomKey();
    const newKey = randomKey();
    const offlineKey = randomKey();
    const socketOfflineKey = randomKey();
    const badKey = "short-" + randomKey().slice(0, 8); // 14 characters: under the whitepaper's 16
    /** Every API answer's body, as received. */
    const answers: string[] = [];
    /** Every Socket.IO message the viewer and the operator received, as JSON. */
    const stream: string[] = [];
    try {
      const { portal, ocpp } = await system.addresses();
      const admin = await PortalSession.login(portal, "admin", ADMIN_PASSWORD);
      const operator = await admin.addUser("oscar", "operator");
      const viewer = await admin.addUser("vera", "viewer");
      const api = async (who: PortalSession, method: string, path: string, body?: unknown) => {
        const res = await who.fetch(path, {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        answers.push(text);
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };

      const registered = await api(admin, "PUT", `/api/v1/registrations/${ID}`, {
        securityProfile: 1,
        authorizationKey: oldKey,
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));

      // A viewer watching the charger, and an operator's socket: everything they hear is kept.
      for (const who of [viewer, operator]) {
        const socket = who.socket({ auth: { chargerId: ID } });
        socket.onAny((event: string, ...args: unknown[]) => stream.push(JSON.stringify([event, ...args])));
        sockets.push(socket);
      }
      charger = new ChargerProcess(ID, ocpp, ["--password", oldKey]);
      const online = () => api(viewer, "GET", `/api/v1/chargers/${ID}`).then((r) => r.body?.online === true);
      await waitFor(online, () => `${ID} online with its first key; it said:\n${charger!.tail()}`);

      // The rotation: the charger takes the key, the answer says so and nothing more.
      const rotated = await api(operator, "POST", `/api/v1/chargers/${ID}/commands/ChangeConfiguration`, {
        key: "AuthorizationKey",
        value: newKey,
      });
      assert.deepEqual(rotated, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
      // The simulator keeps it write-only: listed, never shown.
      const listed = await api(operator, "POST", `/api/v1/chargers/${ID}/commands/GetConfiguration`, {
        key: ["AuthorizationKey"],
      });
      assert.deepEqual(listed.body.response, {
        configurationKey: [{ key: "AuthorizationKey", readonly: false }],
      });
      // A key outside the rules is refused before it is sent, with a message that does not quote it.
      const bad = await api(operator, "POST", `/api/v1/chargers/${ID}/commands/ChangeConfiguration`, {
        key: "AuthorizationKey",
        value: badKey,
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /16 to 40 characters/);

      // The charger reboots and comes back with the new key: the CSMS (basic policy) holds only its hash.
      const reset = await api(operator, "POST", `/api/v1/chargers/${ID}/commands/Reset`, { type: "Soft" });
      assert.equal(reset.body.response?.status, "Accepted");
      const connections = () => stream.filter((m) => m.includes('"type":"charger.connected"')).length;
      const before = connections();
      await waitFor(
        async () => connections() > before && await online(),
        () => `${ID} back online after its reset; it said:\n${charger!.tail()}`,
      );

      // What the portal shows of it: the command and the frame, with the key replaced.
      const frames = await api(viewer, "GET", `/api/v1/chargers/${ID}/frames?limit=300`);
      const sent = frames.body.items.find((f: { action?: string; direction: string; messageType: number }) =>
        f.action === "ChangeConfiguration" && f.direction === "out" && f.messageType === 2
      );
      assert.ok(sent, "the ChangeConfiguration CALL is in the frame log");
      assert.deepEqual(JSON.parse(sent.text)[3], { key: "AuthorizationKey", value: REDACTED });
      const heard = stream.map((m) => JSON.parse(m)).filter(([name]) => name === "charger:event").map((
        [, e],
      ) => e);
      const requested = heard.find((e) =>
        e.type === "command.requested" && e.action === "ChangeConfiguration"
      );
      assert.deepEqual(requested?.payload, { key: "AuthorizationKey", value: REDACTED });

      // Offline: the command is refused, and still not kept in clear (nor published).
      await charger.stop();
      await waitFor(async () => !(await online()), `${ID} offline`);
      const offline = await api(operator, "POST", `/api/v1/chargers/${ID}/commands/ChangeConfiguration`, {
        key: "AuthorizationKey",
        value: offlineKey,
      });
      assert.equal(offline.status, 409);
      const operatorSocket = sockets[1] as ReturnType<PortalSession["socket"]>;
      const ack = await operatorSocket.timeout(30_000).emitWithAck("command", {
        chargerId: ID,
        action: "ChangeConfiguration",
        payload: { key: "AuthorizationKey", value: socketOfflineKey },
      });
      answers.push(JSON.stringify(ack));
      assert.equal(ack.ok, false);

      // The old key is refused now, the new one let in.
      assert.equal(await handshakeStatus(`${ocpp}/${ID}`, oldKey), 401);
      assert.equal(await handshakeStatus(`${ocpp}/${ID}`, newKey), 101);

      // Every read a viewer or an admin has on this charger.
      for (
        const [who, path] of [
          [viewer, `/api/v1/chargers/${ID}`],
          [viewer, `/api/v1/chargers`],
          [viewer, `/api/v1/chargers/${ID}/frames?limit=300`],
          [viewer, `/api/v1/transactions?chargerId=${ID}`],
          [viewer, `/api/v1/stats`],
          [admin, `/api/v1/registrations`],
          [admin, `/api/v1/registrations/${ID}`],
        ] as const
      ) {
        assert.equal((await api(who, "GET", path)).status, 200, path);
      }
      // The event log is on disk before it is searched: the last command's answer (written after its
      // request) is there, and so are the requests, redacted.
      await waitFor(
        async () => (await filesHolding(dataDir, `${ID} is not connected`)).length > 0,
        "the offline command's events on disk",
      );
      const stored = `"payload":{"key":"AuthorizationKey","value":"${REDACTED}"}`;
      assert.notDeepEqual(await filesHolding(dataDir, stored), [], "the redacted command events on disk");

      const secrets = { newKey, offlineKey, socketOfflineKey, badKey };
      const needles = Object.entries(secrets).flatMap(([name, key]) => [
        [name, key],
        [`${name} in a Basic header`, basicAuth(ID, key).slice("Basic ".length)],
      ]);
      const running = system.output;
      for (const [name, needle] of needles) {
        assert.deepEqual(await filesHolding(dataDir, needle), [], `${name} in the data directory`);
        assert.ok(!answers.some((a) => a.includes(needle)), `${name} in an API answer`);
        assert.ok(!stream.some((m) => m.includes(needle)), `${name} in the Socket.IO stream`);
        assert.ok(!running.includes(needle), `${name} in the system's output`);
        assert.ok(!charger.output.some((l) => l.includes(needle)), `${name} in the charger's output`);
      }
      // The charger's JSON log did record the command, redacted.
      assert.ok(
        charger.output.some((l) => l.includes('"action":"ChangeConfiguration"') && l.includes(REDACTED)),
        charger.tail(),
      );
      // The first key was given at registration and stored hashed only.
      assert.deepEqual(await filesHolding(dataDir, oldKey), []);

      for (const s of sockets.splice(0)) s.close();
      assert.equal(await system.stop(), 0, system.output);
      // After shutdown (the WAL checkpointed into the database files), and in all it printed.
      for (const [name, needle] of needles) {
        assert.deepEqual(
          await filesHolding(dataDir, needle),
          [],
          `${name} in the data directory after shutdown`,
        );
        assert.ok(!system.output.includes(needle), `${name} in the system's output`);
      }
    } finally {
      for (const s of sockets) s.close();
      await charger?.stop();
      await system.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
