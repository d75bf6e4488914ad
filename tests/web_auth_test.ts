/**
 * Operators' sign-in against the real system (CSMS and portal on free ports, a simulated charger in its
 * own process): sessions and their cookie, the sign-in page and its rate limit, roles on REST and
 * Socket.IO, CSRF and Origin checks on writes, Socket.IO handshake refusals, API tokens, users.
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

Deno.test("auth: sign-in, roles, CSRF, Socket.IO handshakes, API tokens, users", async (t) => {
  const sys = await startSystem({ ALLOWED_ORIGINS: FRONT }, {
    // Long lockouts, so that "locked" can be asserted without racing the clock.
    auth: { loginLimits: { perUser: { baseLockMs: 600_000 } } },
  });
  const base = sys.web.url;
  const id = "CP-AUTH-1";
  const charger = new ChargerProcess(id, sys.csms.url);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, ...headers },
      body: JSON.stringify(body),
    });
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: base, ...headers },
      body: new URLSearchParams(fields),
      redirect: "manual",
    });

  let admin: PortalSession;
  let viewer: PortalSession;
  let operator: PortalSession;
  try {
    await t.step(
      "nothing without signing in: the API says 401, pages send the browser to sign in",
      async () => {
        const res = await fetch(`${base}/api/v1/chargers`);
        assert.equal(res.status, 401);
        assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
        assert.equal((await res.json()).error, "unauthorized");
        for (const path of ["/", "/chargers/CP-1", "/transactions?page=2", "/users"]) {
          const page = await fetch(`${base}${path}`, { redirect: "manual" });
          await page.body?.cancel();
          assert.equal(page.status, 303, path);
          assert.equal(page.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
        }
        // What the sign-in page needs is public; so is the API's description.
        assert.equal((await fetch(`${base}/login`).then(async (r) => [r.status, await r.text()]))[0], 200);
        const doc = await fetch(`${base}/api/v1/openapi.json`);
        assert.equal(doc.status, 200);
        const paths = (await doc.json()).paths;
        for (
          const p of ["/api/v1/session", "/api/v1/users", "/api/v1/tokens", "/api/v1/registrations/{id}"]
        ) {
          assert.ok(paths[p], `OpenAPI has ${p}`);
        }
        assert.ok(paths["/api/v1/users"].get.responses["403"], "roles are documented");
      },
    );

    await t.step(
      "sign-in over the API: wrong password, unknown user, then the cookie and its flags",
      async () => {
        const wrong = await post("/api/v1/session", { username: "admin", password: "not-the-password" });
        assert.equal(wrong.status, 401);
        assert.equal((await wrong.json()).error, "invalid_credentials");
        assert.equal(wrong.headers.get("set-cookie"), null);
        const nobody = await post("/api/v1/session", { username: "nobody", password: "whatever-it-is" });
        assert.equal(nobody.status, 401);
        await nobody.body?.cancel();

        const ok = await post("/api/v1/session", { username: "admin", password: ADMIN_PASSWORD });
        assert.equal(ok.status, 200);
        const body = await ok.json();
        assert.equal(body.name, "admin");
        assert.equal(body.role, "admin");
        assert.match(body.csrfToken, /^[\w-]{43}$/);
        const setCookie = ok.headers.get("set-cookie")!;
        assert.match(setCookie, /^cw_session=[\w-]{43};/);
        const attrs = cookieAttributes(setCookie);
        assert.ok(attrs.has("httponly"), setCookie);
        assert.equal(attrs.get("samesite"), "Strict");
        assert.equal(attrs.get("path"), "/");
        assert.ok(Number(attrs.get("max-age")) > 0, setCookie);
        assert.ok(!attrs.has("secure"), "no Secure over plain http: the browser would not send it back");

        // Behind a proxy that terminates TLS, the cookie is Secure.
        const proxied = await post("/api/v1/session", { username: "admin", password: ADMIN_PASSWORD }, {
          "x-forwarded-proto": "https",
        });
        assert.ok(cookieAttributes(proxied.headers.get("set-cookie")!).has("secure"));
        await proxied.body?.cancel();

        // Signing in again from a signed-in client replaces its session (no orphan left alive).
        const first = await sys.login();
        const again = await post("/api/v1/session", { username: "admin", password: ADMIN_PASSWORD }, {
          cookie: first.cookie,
        });
        assert.equal(again.status, 200);
        await again.body?.cancel();
        assert.equal((await first.json("GET", "/api/v1/session")).status, 401);

        admin = await sys.login();
        const me = await admin.json("GET", "/api/v1/session");
        assert.deepEqual(me, {
          status: 200,
          body: { kind: "session", name: "admin", role: "admin", csrfToken: admin.csrfToken },
        });
      },
    );

    await t.step(
      "the sign-in page: a wrong password says so; the right one signs in and returns",
      async () => {
        const page = await fetch(`${base}/login?next=/transactions`);
        const html = await page.text();
        assert.match(html, /<form method="post" action="\/login"/);
        assert.match(html, /name="next" value="\/transactions"/);

        const wrong = await form("/login", {
          username: "admin",
          password: "nope-nope-nope",
          next: "/transactions",
        });
        assert.equal(wrong.status, 401);
        assert.match(await wrong.text(), /Wrong user name or password\./);

        const right = await form("/login", {
          username: "admin",
          password: ADMIN_PASSWORD,
          next: "/transactions",
        });
        assert.equal(right.status, 303);
        assert.equal(right.headers.get("location"), "/transactions");
        const cookie = right.headers.get("set-cookie")!.split(";")[0];
        const fleet = await fetch(`${base}/`, { headers: { cookie } });
        assert.equal(fleet.status, 200);
        const text = await fleet.text();
        assert.match(text, /<title>Fleet · Chargewire<\/title>/);
        assert.match(text, /data-testid="whoami"/);

        // Elsewhere than this site is never a place to return to.
        const away = await form("/login", {
          username: "admin",
          password: ADMIN_PASSWORD,
          next: "//evil.example/x",
        });
        assert.equal(away.headers.get("location"), "/");
        // A sign-in form posted from another site is refused (login CSRF).
        const foreign = await form("/login", { username: "admin", password: ADMIN_PASSWORD }, {
          origin: "http://evil.example",
        });
        assert.equal(foreign.status, 403);
        await foreign.body?.cancel();
      },
    );

    await t.step(
      "rate limit: after 5 failures per user and address, even the right password waits",
      async () => {
        viewer = await admin.addUser("vera", "viewer");
        for (let i = 1; i <= 5; i++) {
          const res = await post("/api/v1/session", { username: "vera", password: `guess-number-${i}` });
          assert.equal(res.status, 401, `attempt ${i}`);
          await res.body?.cancel();
        }
        const locked = await post("/api/v1/session", { username: "vera", password: "vera-password" });
        assert.equal(locked.status, 429);
        assert.ok(Number(locked.headers.get("retry-after")) > 0);
        assert.equal((await locked.json()).error, "rate_limited");
        // The sign-in page says so too.
        const page = await form("/login", { username: "vera", password: "vera-password" });
        assert.equal(page.status, 429);
        assert.match(await page.text(), /Too many failed attempts\. Try again in \d+ s\./);
        // The lock is per user name and address: others still sign in, and vera's session stays valid.
        operator = await admin.addUser("otto", "operator");
        assert.equal((await viewer.json("GET", "/api/v1/session")).status, 200);
      },
    );

    await t.step("roles: a viewer reads but cannot command or write; an operator can", async () => {
      await waitFor(
        async () => (await viewer.json("GET", `/api/v1/chargers/${id}`)).body?.online,
        () => `${id} online; it said:\n${charger.tail()}`,
      );
      assert.equal((await viewer.json("GET", "/api/v1/transactions")).status, 200);
      const refused = await viewer.json("POST", `/api/v1/chargers/${id}/commands/ClearCache`, {});
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error, "forbidden");
      assert.match(refused.body.message, /operator role; vera is a viewer/);
      assert.equal((await viewer.json("PUT", "/api/v1/id-tags/TAG-V", { status: "Accepted" })).status, 403);
      assert.equal((await viewer.json("GET", "/api/v1/users")).status, 403);
      // The page shows a viewer read-only controls.
      const page = await (await viewer.fetch(`/chargers/${id}`)).text();
      assert.match(page, /data-testid="read-only"/);
      assert.doesNotMatch(page, /href="\/users"/);

      const accepted = await operator.json("POST", `/api/v1/chargers/${id}/commands/ClearCache`, {});
      assert.deepEqual(accepted, { status: 200, body: { ok: true, response: { status: "Accepted" } } });
      assert.equal((await operator.json("PUT", "/api/v1/id-tags/TAG-O", { status: "Accepted" })).status, 201);
      assert.equal((await operator.json("GET", "/api/v1/users")).status, 403);
      assert.equal((await operator.json("PUT", `/api/v1/registrations/${id}`, {})).status, 403);

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
    });

    await t.step("CSRF: a cookie write needs the session's token and an allowed Origin", async () => {
      const path = "/api/v1/id-tags/TAG-CSRF";
      const put = (headers: Record<string, string>) =>
        operator.fetch(path, {
          method: "PUT",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ status: "Accepted" }),
        }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => undefined) }));

      const noToken = await put({ "x-csrf-token": "" });
      assert.equal(noToken.status, 403);
      assert.equal(noToken.body.error, "csrf");
      assert.equal((await put({ "x-csrf-token": admin.csrfToken })).status, 403, "another session's token");
      const foreign = await put({ origin: "http://evil.example" });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.body.error, "forbidden_origin");
      const crossSite = await fetch(`${base}${path}`, {
        method: "PUT",
        headers: {
          cookie: operator.cookie,
          "x-csrf-token": operator.csrfToken,
          "content-type": "application/json",
          "sec-fetch-site": "cross-site",
        },
        body: JSON.stringify({ status: "Accepted" }),
      });
      assert.equal(crossSite.status, 403, "no Origin, but the browser says it is cross-site");
      await crossSite.body?.cancel();
      // An empty-bodied command (no content type: what a cross-site form could send) is refused as well.
      const bare = await fetch(`${base}/api/v1/chargers/${id}/commands/ClearCache`, {
        method: "POST",
        headers: {
          cookie: operator.cookie,
          origin: "http://evil.example",
          "x-csrf-token": operator.csrfToken,
        },
      });
      assert.equal(bare.status, 403);
      await bare.body?.cancel();
      assert.equal(
        (await operator.json("GET", "/api/v1/id-tags/TAG-CSRF")).status,
        404,
        "nothing was written",
      );

      // The right token, from the portal or an allowed front, writes.
      assert.equal((await put({})).status, 201);
      assert.equal((await put({ origin: FRONT })).status, 200);
      // A sign-in from another site is refused too.
      const login = await post("/api/v1/session", { username: "admin", password: ADMIN_PASSWORD }, {
        origin: "http://evil.example",
      });
      assert.equal(login.status, 403);
      await login.body?.cancel();
    });

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

    await t.step("signing out ends the session at once, on REST and on live sockets", async () => {
      const session = await sys.login();
      const socket = session.socket();
      const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      await waitFor(() => socket.connected, "the socket to connect");
      const out = await session.json("DELETE", "/api/v1/session");
      assert.equal(out.status, 204);
      assert.equal(await disconnected, "io server disconnect");
      assert.equal((await session.json("GET", "/api/v1/chargers")).status, 401);
      assert.match(await handshake(session.socket()), /^refused/);

      // The page's sign-out form: it needs the session's CSRF token.
      const other = await sys.login();
      const forged = await form("/logout", { _csrf: "forged" }, { cookie: other.cookie });
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
      assert.equal((await other.json("GET", "/api/v1/session")).status, 200);
      const real = await form("/logout", { _csrf: other.csrfToken }, { cookie: other.cookie });
      assert.equal(real.status, 303);
      assert.equal(real.headers.get("location"), "/login");
      assert.match(real.headers.get("set-cookie") ?? "", /^cw_session=;.*Max-Age=0/);
      assert.equal((await other.json("GET", "/api/v1/session")).status, 401);
    });

    await t.step(
      "API tokens: shown once, work as Bearer (REST and Socket.IO), and fail once revoked",
      async () => {
        const created = await admin.json("POST", "/api/v1/tokens", { name: "ci-script", role: "operator" });
        assert.equal(created.status, 201);
        const token: string = created.body.token;
        assert.match(token, /^cw_[0-9a-f]{12}_[\w-]{43}$/);
        const tokenId = created.body.item.id;
        const list = await admin.json("GET", "/api/v1/tokens");
        // The secret is base64url and may itself hold "_": cut it at its fixed offset, not at the last "_".
        const secret = token.slice("cw_".length + 12 + 1);
        assert.equal(secret.length, 43);
        assert.ok(!JSON.stringify(list.body).includes(secret), "the value is never listed");
        assert.equal(list.body.items.find((x: Json) => x.id === tokenId).role, "operator");

        const bearer = { authorization: `Bearer ${token}` };
        const chargers = await fetch(`${base}/api/v1/chargers`, { headers: bearer });
        assert.equal(chargers.status, 200);
        await chargers.body?.cancel();
        // No CSRF token needed: browsers never send it by themselves.
        const cleared = await fetch(`${base}/api/v1/chargers/${id}/commands/ClearCache`, {
          method: "POST",
          headers: bearer,
        });
        assert.deepEqual(await cleared.json(), { ok: true, response: { status: "Accepted" } });
        const me = await (await fetch(`${base}/api/v1/session`, { headers: bearer })).json();
        assert.deepEqual(me, { kind: "token", name: "ci-script", role: "operator" });

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
        const after = await fetch(`${base}/api/v1/chargers`, { headers: bearer });
        assert.equal(after.status, 401);
        assert.match((await after.json()).message, /unknown or revoked/);
        assert.equal((await admin.json("DELETE", `/api/v1/tokens/${tokenId}`)).status, 409);
        const forged = await fetch(`${base}/api/v1/chargers`, {
          headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
        });
        assert.equal(forged.status, 401);
        await forged.body?.cancel();
        // A viewer token reads only.
        const viewerToken =
          (await admin.json("POST", "/api/v1/tokens", { name: "dash", role: "viewer" })).body.token;
        const refused = await fetch(`${base}/api/v1/chargers/${id}/commands/ClearCache`, {
          method: "POST",
          headers: { authorization: `Bearer ${viewerToken}` },
        });
        assert.equal(refused.status, 403);
        await refused.body?.cancel();
      },
    );

    await t.step("users: roles change at once, passwords end sessions, the last admin stays", async () => {
      // Vera becomes an operator: her existing session may now write.
      assert.equal(
        (await admin.json("PATCH", "/api/v1/users/vera", { role: "operator" })).body.role,
        "operator",
      );
      assert.equal(
        (await viewer.json("PUT", "/api/v1/id-tags/TAG-VERA", { status: "Accepted" })).status,
        201,
      );
      // A new password ends her sessions.
      const changed = await admin.json("PATCH", "/api/v1/users/otto", { password: "a-new-password" });
      assert.equal(changed.status, 200);
      assert.equal((await operator.json("GET", "/api/v1/session")).status, 401);
      await PortalSession.login(base, "otto", "a-new-password");

      assert.equal(
        (await admin.json("POST", "/api/v1/users", {
          username: "otto",
          password: "whatever1",
          role: "viewer",
        }))
          .status,
        409,
      );
      assert.equal(
        (await admin.json("POST", "/api/v1/users", { username: "x", password: "short", role: "viewer" }))
          .status,
        400,
      );
      const demote = await admin.json("PATCH", "/api/v1/users/admin", { role: "operator" });
      assert.equal(demote.status, 403);
      assert.match(demote.body.message, /last admin/);
      assert.equal((await admin.json("DELETE", "/api/v1/users/admin")).status, 403);
      assert.equal((await admin.json("DELETE", "/api/v1/users/otto")).status, 204);
      assert.equal((await admin.json("DELETE", "/api/v1/users/otto")).status, 404);
      const users = (await admin.json("GET", "/api/v1/users")).body.items.map((u: Json) =>
        `${u.username}:${u.role}`
      );
      assert.deepEqual(users, ["admin:admin", "vera:operator"]);
      assert.ok(
        !JSON.stringify(await admin.json("GET", "/api/v1/users")).includes("scrypt"),
        "no hashes out",
      );
    });
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
    const stale = new PortalSession(web.url, session.cookie, session.csrfToken, "admin", "admin");
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
