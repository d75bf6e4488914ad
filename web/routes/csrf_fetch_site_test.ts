/**
 * CSRF without an Origin header (docs/security.md, CSRF): a cookie write that carries no `Origin` but whose
 * browser says `Sec-Fetch-Site: same-site` (a sibling subdomain, which SameSite=Strict does not stop) or
 * `cross-site` is refused with 403 `forbidden_origin`, even with the session's CSRF token, and changes
 * nothing; `same-origin`, or no Sec-Fetch-Site at all (not a browser), is accepted. For each write method,
 * and for signing in and out (REST and the sign-in page's forms), so that not even those can be forged.
 * In memory (web/testing/app_harness.ts).
 */
import assert from "node:assert/strict";
import { ADMIN_PASSWORD, AppSession, type Json, startApp } from "../testing/app_harness.ts";

const REFUSED = ["same-site", "cross-site"] as const;
const ACCEPTED = ["same-origin", undefined] as const;
type Site = typeof REFUSED[number] | typeof ACCEPTED[number];

Deno.test("CSRF: a cookie write without Origin is refused when Sec-Fetch-Site is same-site", async (t) => {
  const sys = await startApp();
  try {
    const admin = await sys.login();
    await admin.addUser("sam", "viewer");

    /** A cookie write as a browser would send it: the session's cookie and CSRF token, but no Origin. */
    const write = async (session: AppSession, method: string, path: string, body: unknown, site: Site) => {
      const headers: Record<string, string> = {
        cookie: session.cookie,
        "x-csrf-token": session.csrfToken,
      };
      if (body !== undefined) headers["content-type"] = "application/json";
      if (site !== undefined) headers["sec-fetch-site"] = site;
      const res = await sys.fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined as Json };
    };
    const tag = async (idTag: string) => (await admin.json("GET", `/api/v1/id-tags/${idTag}`)).body;
    const userRole = async (name: string) =>
      (await admin.json("GET", "/api/v1/users")).body.items.find((u: Json) => u.username === name)?.role;
    const tokenNames = async () =>
      (await admin.json("GET", "/api/v1/tokens")).body.items.map((x: Json) => x.name) as string[];

    // Each write, what it changes, and how to tell whether it did.
    const writes: {
      name: string;
      run: (site: Site, n: number) => ReturnType<typeof write>;
      changed: (n: number) => Promise<boolean>;
      status: number;
    }[] = [
      {
        name: "PUT /id-tags/{idTag}",
        run: (site, n) => write(admin, "PUT", `/api/v1/id-tags/PUT-${n}`, { status: "Accepted" }, site),
        changed: async (n) => (await tag(`PUT-${n}`))?.idTag === `PUT-${n}`,
        status: 201,
      },
      {
        name: "POST /id-tags",
        run: (site, n) =>
          write(admin, "POST", "/api/v1/id-tags", { idTag: `POST-${n}`, status: "Blocked" }, site),
        changed: async (n) => (await tag(`POST-${n}`))?.idTag === `POST-${n}`,
        status: 201,
      },
      {
        name: "DELETE /id-tags/{idTag}",
        run: async (site, n) => {
          assert.equal(
            (await admin.json("PUT", `/api/v1/id-tags/DEL-${n}`, { status: "Accepted" })).status,
            201,
          );
          return write(admin, "DELETE", `/api/v1/id-tags/DEL-${n}`, undefined, site);
        },
        changed: async (n) => (await tag(`DEL-${n}`))?.idTag === undefined,
        status: 204,
      },
      {
        name: "PATCH /users/{username}",
        run: async (site) => {
          assert.equal((await admin.json("PATCH", "/api/v1/users/sam", { role: "viewer" })).status, 200);
          return write(admin, "PATCH", "/api/v1/users/sam", { role: "operator" }, site);
        },
        changed: async () => (await userRole("sam")) === "operator",
        status: 200,
      },
      {
        name: "POST /tokens",
        run: (site, n) =>
          write(admin, "POST", "/api/v1/tokens", { name: `fetch-site-${n}`, role: "viewer" }, site),
        changed: async (n) => (await tokenNames()).includes(`fetch-site-${n}`),
        status: 201,
      },
    ];

    let n = 0;
    for (const w of writes) {
      await t.step(
        `${w.name}: refused for ${REFUSED.join(", ")}; accepted for same-origin and none`,
        async () => {
          for (const site of REFUSED) {
            const i = n++;
            const res = await w.run(site, i);
            assert.equal(res.status, 403, `${site}: ${JSON.stringify(res)}`);
            assert.equal(res.body.error, "forbidden_origin", site);
            assert.equal(await w.changed(i), false, `${site} changed something`);
          }
          for (const site of ACCEPTED) {
            const i = n++;
            const res = await w.run(site, i);
            assert.equal(res.status, w.status, `${site ?? "no Sec-Fetch-Site"}: ${JSON.stringify(res)}`);
            assert.equal(await w.changed(i), true, `${site ?? "no Sec-Fetch-Site"} changed nothing`);
          }
        },
      );
    }

    await t.step("signing out over REST: refused for same-site, the session stays", async () => {
      const session = await AppSession.login(sys.fetch, "sam", "sam-password");
      const refused = await write(session, "DELETE", "/api/v1/session", undefined, "same-site");
      assert.equal(refused.status, 403, JSON.stringify(refused));
      assert.equal(refused.body.error, "forbidden_origin");
      assert.equal((await session.json("GET", "/api/v1/session")).status, 200);
      assert.equal((await write(session, "DELETE", "/api/v1/session", undefined, "same-origin")).status, 204);
      assert.equal((await session.json("GET", "/api/v1/session")).status, 401);
    });

    await t.step(
      "signing in over REST or the sign-in form: refused for same-site, no cookie set",
      async () => {
        const signIn = (site: Site) =>
          sys.fetch("/api/v1/session", {
            method: "POST",
            headers: { "content-type": "application/json", ...(site ? { "sec-fetch-site": site } : {}) },
            body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
          });
        const refused = await signIn("same-site");
        assert.equal(refused.status, 403);
        assert.equal((await refused.json()).error, "forbidden_origin");
        assert.equal(refused.headers.get("set-cookie"), null);
        const accepted = await signIn("same-origin");
        assert.equal(accepted.status, 200);
        assert.match(accepted.headers.get("set-cookie") ?? "", /^cw_session=/);
        await accepted.body?.cancel();

        const form = (site: Site) =>
          sys.fetch("/login", {
            method: "POST",
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              ...(site ? { "sec-fetch-site": site } : {}),
            },
            body: new URLSearchParams({ username: "admin", password: ADMIN_PASSWORD }),
            redirect: "manual",
          });
        const forged = await form("same-site");
        assert.equal(forged.status, 403);
        assert.equal(forged.headers.get("set-cookie"), null);
        await forged.body?.cancel();
        const real = await form("same-origin");
        assert.equal(real.status, 303);
        assert.match(real.headers.get("set-cookie") ?? "", /^cw_session=/);
        await real.body?.cancel();
      },
    );

    await t.step("signing out with the page's form: refused for same-site, the session stays", async () => {
      const session = await AppSession.login(sys.fetch, "sam", "sam-password");
      const logout = (site: Site) =>
        sys.fetch("/logout", {
          method: "POST",
          headers: {
            cookie: session.cookie,
            "content-type": "application/x-www-form-urlencoded",
            ...(site ? { "sec-fetch-site": site } : {}),
          },
          body: new URLSearchParams({ _csrf: session.csrfToken }),
          redirect: "manual",
        });
      const forged = await logout("same-site");
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
      assert.equal((await session.json("GET", "/api/v1/session")).status, 200);
      const real = await logout("same-origin");
      assert.equal(real.status, 303);
      await real.body?.cancel();
      assert.equal((await session.json("GET", "/api/v1/session")).status, 401);
    });
  } finally {
    await sys.close();
  }
});
