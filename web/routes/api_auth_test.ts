/**
 * Operators' sign-in in memory (web/testing/app_harness.ts, the real auth service and portal.db):
 * sessions and their cookie, the sign-in page and its rate limit, roles on REST, CSRF and Origin checks on
 * writes, signing out, API tokens, users. What needs a live charger (commands it answers), Socket.IO, TLS
 * or restarting the portal is tested end to end in tests/web_auth_test.ts.
 */
import assert from "node:assert/strict";
import { ADMIN_PASSWORD, AppSession, type Json, startApp } from "../testing/app_harness.ts";

const FRONT = "http://front.example:5173";

function cookieAttributes(setCookie: string): Map<string, string> {
  const [, ...attrs] = setCookie.split(";").map((s) => s.trim());
  return new Map(attrs.map((a) => {
    const [k, v = ""] = a.split("=");
    return [k.toLowerCase(), v];
  }));
}

Deno.test("auth in memory: sign-in, roles, CSRF, signing out, API tokens, users", async (t) => {
  const sys = await startApp({
    env: { ALLOWED_ORIGINS: FRONT },
    // Long lockouts, so that "locked" can be asserted without racing the clock.
    auth: { loginLimits: { perUser: { baseLockMs: 600_000 } } },
  });
  const base = sys.base;
  const id = "CP-AUTH-1";
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    sys.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, ...headers },
      body: JSON.stringify(body),
    });
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    sys.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: base, ...headers },
      body: new URLSearchParams(fields),
      redirect: "manual",
    });

  let admin: AppSession;
  let viewer: AppSession;
  let operator: AppSession;
  try {
    await t.step(
      "nothing without signing in: the API says 401, pages send the browser to sign in",
      async () => {
        const res = await sys.fetch(`/api/v1/chargers`);
        assert.equal(res.status, 401);
        assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
        assert.equal((await res.json()).error, "unauthorized");
        for (const path of ["/", "/chargers/CP-1", "/transactions?page=2", "/users"]) {
          const page = await sys.fetch(path, { redirect: "manual" });
          await page.body?.cancel();
          assert.equal(page.status, 303, path);
          assert.equal(page.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
        }
        // What the sign-in page needs is public; so is the API's description.
        assert.equal((await sys.fetch(`/login`).then(async (r) => [r.status, await r.text()]))[0], 200);
        const doc = await sys.fetch(`/api/v1/openapi.json`);
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
        const page = await sys.fetch(`/login?next=/transactions`);
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
        const fleet = await sys.fetch(`/`, { headers: { cookie } });
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

    await t.step("roles: a viewer reads but cannot command or write; an operator can write", async () => {
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

      assert.equal((await operator.json("PUT", "/api/v1/id-tags/TAG-O", { status: "Accepted" })).status, 201);
      assert.equal((await operator.json("GET", "/api/v1/users")).status, 403);
      assert.equal((await operator.json("PUT", `/api/v1/registrations/${id}`, {})).status, 403);
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
      const crossSite = await sys.fetch(path, {
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
      const bare = await sys.fetch(`/api/v1/chargers/${id}/commands/ClearCache`, {
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

    await t.step("signing out ends the session at once", async () => {
      const session = await sys.login();
      const out = await session.json("DELETE", "/api/v1/session");
      assert.equal(out.status, 204);
      assert.equal((await session.json("GET", "/api/v1/chargers")).status, 401);

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

    await t.step("API tokens: shown once, work as Bearer, and fail once revoked", async () => {
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
      const chargers = await sys.fetch("/api/v1/chargers", { headers: bearer });
      assert.equal(chargers.status, 200);
      await chargers.body?.cancel();
      // No CSRF token needed: browsers never send it by themselves (the absent charger answers offline).
      const offline = await sys.fetch(`/api/v1/chargers/${id}/commands/ClearCache`, {
        method: "POST",
        headers: bearer,
      });
      assert.equal((await offline.json()).error, "offline");
      const me = await (await sys.fetch("/api/v1/session", { headers: bearer })).json();
      assert.deepEqual(me, { kind: "token", name: "ci-script", role: "operator" });

      assert.equal((await admin.json("DELETE", `/api/v1/tokens/${tokenId}`)).status, 204);
      const after = await sys.fetch("/api/v1/chargers", { headers: bearer });
      assert.equal(after.status, 401);
      assert.match((await after.json()).message, /unknown or revoked/);
      assert.equal((await admin.json("DELETE", `/api/v1/tokens/${tokenId}`)).status, 409);
      const forged = await sys.fetch("/api/v1/chargers", {
        headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
      });
      assert.equal(forged.status, 401);
      await forged.body?.cancel();
      // A viewer token reads only.
      const viewerToken =
        (await admin.json("POST", "/api/v1/tokens", { name: "dash", role: "viewer" })).body.token;
      const refused = await sys.fetch(`/api/v1/chargers/${id}/commands/ClearCache`, {
        method: "POST",
        headers: { authorization: `Bearer ${viewerToken}` },
      });
      assert.equal(refused.status, 403);
      await refused.body?.cancel();
    });

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
      await AppSession.login(sys.fetch, "otto", "a-new-password");

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
    await sys.close();
  }
});
