/**
 * Operators' sign-in against the real system (CSMS and portal on free ports, a simulated charger in its
 * own process): roles, signing out and API tokens where a live charger or Socket.IO is involved, Socket.IO
 * handshake refusals, a generated admin password across restarts, and TLS. Sessions and their cookie, the
 * sign-in page and its rate limit, roles on REST, CSRF and Origin checks, API tokens and users over REST are
 * tested in memory in web/routes/api_auth_test.ts.
 */
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { startCsmsNode } from "../csms/main.ts";
import { MemoryBus } from "../shared/bus_memory.ts";
import type { CommandAck } from "../web/lib/protocol.ts";
import { startPortal } from "../web/main.ts";
import { HAS_OPENSSL, makeTestCertificates } from "./csms_support.ts";
import {
  ADMIN_PASSWORD,
  ChargerProcess,
  type Json,
  PortalSession,
  type PortalSocket,
  startSystem,
  waitFor,
} from "./web_support.ts";

const FRONT = "http://front.example:5173";

/** Connects a socket and says how its handshake ended: "connected", or the connect_error's message. */
function handshake(socket: PortalSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (err) => resolve(`refused: ${err.message}`));
  }).finally(() => socket.disconnect()) as Promise<string>;
}

/**
 * A raw WebSocket handshake on Socket.IO's path: "101" when accepted, else the status and body of the
 * refusal (engine.io refuses upgrades with a 400 whose body says why).
 */
function upgrade(base: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`, {
      headers,
    });
    ws.on("open", () => {
      ws.close();
      resolve("101");
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Uint8Array) => body += new TextDecoder().decode(chunk));
      res.on("end", () => {
        resolve(`${res.statusCode} ${body}`);
        ws.terminate();
      });
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

function cookieAttributes(setCookie: string): Map<string, string> {
  const [, ...attrs] = setCookie.split(";").map((s) => s.trim());
  return new Map(attrs.map((a) => {
    const [k, v = ""] = a.split("=");
    return [k.toLowerCase(), v];
  }));
}

function command(
  socket: PortalSocket,
  chargerId: string,
  action: string,
  payload: unknown,
): Promise<CommandAck> {
  // deno-lint-ignore no-explicit-any
  return socket.timeout(60_000).emitWithAck("command", { chargerId, action, payload } as any);
}

Deno.test("auth: roles, signing out and API tokens on a live charger and Socket.IO; handshakes", async (t) => {
  const sys = await startSystem({ ALLOWED_ORIGINS: FRONT });
  const base = sys.web.url;
  const id = "CP-AUTH-1";
  const charger = new ChargerProcess(id, sys.csms.url);

  try {
    const admin = await sys.login();
    const viewer = await admin.addUser("vera", "viewer");
    const operator = await admin.addUser("otto", "operator");

    await t.step(
      "roles: a viewer watches but cannot command; an operator's command reaches the charger",
      async () => {
        await waitFor(
          async () => (await viewer.json("GET", `/api/v1/chargers/${id}`)).body?.online,
          () => `${id} online; it said:\n${charger.tail()}`,
        );
        const accepted = await operator.json("POST", `/api/v1/chargers/${id}/commands/ClearCache`, {});
        assert.deepEqual(accepted, { status: 200, body: { ok: true, response: { status: "Accepted" } } });

        // The same on Socket.IO: both watch; the viewer's command is refused, the operator's reaches the charger.
        const vs = viewer.socket({ auth: { chargerId: id } });
        const os = operator.socket();
        try {
          const snapshot = await new Promise<Json>((resolve) => vs.once("charger:snapshot", resolve));
          assert.equal(snapshot.chargerId, id);
          const no = await command(vs, id, "ClearCache", {});
          assert.equal(no.ok, false);
          assert.equal(!no.ok && no.error, "forbidden");
          await waitFor(() => os.connected, "the operator's socket");
          assert.deepEqual(await command(os, id, "ClearCache", {}), {
            ok: true,
            response: { status: "Accepted" },
          });
        } finally {
          vs.disconnect();
          os.disconnect();
        }
      },
    );

    await t.step(
      "Socket.IO: refused without a session, with a bad cookie, or from another origin",
      async () => {
        const noSession = await handshake(
          io(base, { transports: ["websocket"], reconnection: false, forceNew: true }),
        );
        assert.match(noSession, /^refused/);
        const badCookie = await handshake(
          io(base, {
            transports: ["websocket"],
            reconnection: false,
            forceNew: true,
            extraHeaders: { cookie: "cw_session=forged-forged-forged-forged-forged-forged-for" },
          }),
        );
        assert.match(badCookie, /^refused/);
        assert.equal(
          await handshake(admin.socket({ extraHeaders: { origin: "http://evil.example" } })),
          "refused: websocket error",
        );
        assert.equal(await handshake(admin.socket()), "connected");
        assert.equal(await handshake(admin.socket({ extraHeaders: { origin: FRONT } })), "connected");

        // At the HTTP level: the WebSocket upgrade and the long-polling handshake are refused, saying why.
        assert.equal(await upgrade(base, {}), "400 sign in first");
        assert.equal(
          await upgrade(base, { cookie: admin.cookie, origin: "http://evil.example" }),
          "400 origin http://evil.example is not allowed",
        );
        assert.equal(
          await upgrade(base, { authorization: "Bearer cw_nonsense" }),
          "400 the API token is unknown or revoked",
        );
        assert.equal(await upgrade(base, { cookie: admin.cookie, origin: base }), "101");
        const polling = await fetch(`${base}/socket.io/?EIO=4&transport=polling`, {
          headers: { cookie: admin.cookie, origin: "http://evil.example" },
        });
        assert.equal(polling.status, 403);
        assert.match(await polling.text(), /origin http:\/\/evil\.example is not allowed/);
        const pollingOk = await fetch(`${base}/socket.io/?EIO=4&transport=polling`, {
          headers: { cookie: admin.cookie },
        });
        assert.equal(pollingOk.status, 200);
        await pollingOk.body?.cancel();
      },
    );

    await t.step("signing out ends the session at once on live sockets", async () => {
      const session = await sys.login();
      const socket = session.socket();
      const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      await waitFor(() => socket.connected, "the socket to connect");
      const out = await session.json("DELETE", "/api/v1/session");
      assert.equal(out.status, 204);
      assert.equal(await disconnected, "io server disconnect");
      assert.equal((await session.json("GET", "/api/v1/chargers")).status, 401);
      assert.match(await handshake(session.socket()), /^refused/);
    });

    await t.step(
      "API tokens: work as Bearer on a charger's command and Socket.IO, until revoked",
      async () => {
        const created = await admin.json("POST", "/api/v1/tokens", { name: "ci-script", role: "operator" });
        assert.equal(created.status, 201);
        const token: string = created.body.token;
        const tokenId = created.body.item.id;
        const bearer = { authorization: `Bearer ${token}` };
        // No CSRF token needed: browsers never send it by themselves.
        const cleared = await fetch(`${base}/api/v1/chargers/${id}/commands/ClearCache`, {
          method: "POST",
          headers: bearer,
        });
        assert.deepEqual(await cleared.json(), { ok: true, response: { status: "Accepted" } });

        const socket = io(base, {
          transports: ["websocket"],
          reconnection: false,
          forceNew: true,
          extraHeaders: bearer,
        }) as PortalSocket;
        const dropped = new Promise<string>((resolve) => socket.once("disconnect", resolve));
        await waitFor(() => socket.connected, "a socket with the token");
        assert.deepEqual(await command(socket, id, "ClearCache", {}), {
          ok: true,
          response: { status: "Accepted" },
        });

        assert.equal((await admin.json("DELETE", `/api/v1/tokens/${tokenId}`)).status, 204);
        assert.equal(await dropped, "io server disconnect");
      },
    );
  } finally {
    await charger.stop();
    await sys.close();
  }
});

Deno.test("auth: a fresh DATA_DIR without ADMIN_PASSWORD gets a generated admin password, once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_auth_test_" });
  const bus = new MemoryBus();
  const csms = await startCsmsNode({ CSMS_PORT: "0", DATA_DIR: dataDir }, { bus });
  const start = (env: Record<string, string> = {}) =>
    startPortal({ WEB_PORT: "0", DATA_DIR: dataDir, ...env }, { bus, reads: csms.storage.reads });
  try {
    let web = await start();
    const password = web.admin.generatedPassword!;
    assert.equal(web.admin.action, "created");
    assert.match(password, /^[a-zA-Z2-9]{20}$/);
    await PortalSession.login(web.url, "admin", password);
    await web.close();

    // Restarted on the same data: nothing new is generated, and the password still works.
    web = await start();
    assert.deepEqual(web.admin, { action: "none" });
    const session = await PortalSession.login(web.url, "admin", password);
    await web.close();

    // ADMIN_PASSWORD resets it (and ends admin's sessions).
    web = await start({ ADMIN_PASSWORD: "from-the-environment" });
    assert.deepEqual(web.admin, { action: "reset" });
    const stale = new PortalSession(web.url, {
      cookie: session.cookie,
      csrfToken: session.csrfToken,
      name: "admin",
      role: "admin",
    });
    assert.equal((await stale.json("GET", "/api/v1/session")).status, 401);
    await assert.rejects(PortalSession.login(web.url, "admin", password), /401/);
    await PortalSession.login(web.url, "admin", "from-the-environment");
    await web.close();
    web = await start({ ADMIN_PASSWORD: "from-the-environment" });
    assert.deepEqual(web.admin, { action: "unchanged" });
    await web.close();
    const files = [...Deno.readDirSync(dataDir)].map((f) => f.name).filter((f) => f.startsWith("portal.db"));
    assert.ok(files.includes("portal.db"), files.join(", "));
    for (const f of files) {
      const raw = new TextDecoder().decode(Deno.readFileSync(`${dataDir}/${f}`));
      assert.ok(
        !raw.includes(password) && !raw.includes("from-the-environment"),
        `no password in clear in ${f}`,
      );
    }
  } finally {
    await csms.close();
    await bus.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test({
  name: "auth: over TLS (TLS_CERT, TLS_KEY) the portal is https:// and its session cookie Secure",
  ignore: !HAS_OPENSSL,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "chargewire_tls_portal_" });
    const certs = await makeTestCertificates(dir);
    const ca = await Deno.readTextFile(certs.caFile);
    const client = Deno.createHttpClient({ caCerts: [ca] });
    const sys = await startSystem({ TLS_CERT: certs.certFile, TLS_KEY: certs.keyFile });
    try {
      const base = sys.web.url;
      assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${base}/api/v1/session`, {
        client,
        method: "POST",
        headers: { "content-type": "application/json", origin: base },
        body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
      });
      assert.equal(res.status, 200);
      const { csrfToken } = await res.json();
      const setCookie = res.headers.get("set-cookie")!;
      const attrs = cookieAttributes(setCookie);
      assert.ok(attrs.has("secure"), setCookie);
      assert.ok(attrs.has("httponly"), setCookie);
      assert.equal(attrs.get("samesite"), "Strict");
      const cookie = setCookie.split(";")[0];
      const write = await fetch(`${base}/api/v1/id-tags/TLS-TAG`, {
        client,
        method: "PUT",
        headers: { cookie, origin: base, "x-csrf-token": csrfToken, "content-type": "application/json" },
        body: JSON.stringify({ status: "Accepted" }),
      });
      assert.equal(write.status, 201);
      await write.body?.cancel();
      // Socket.IO over wss:// takes the same cookie, with the https origin.
      const socket = io(base, {
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
        ca,
        extraHeaders: { cookie, origin: base },
      }) as PortalSocket;
      assert.equal(await handshake(socket), "connected");
    } finally {
      client.close();
      await sys.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
