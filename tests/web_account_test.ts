/**
 * A user changes their own password over the real REST API (POST /api/v1/me/password): the current
 * password is required, the rule is the same as everywhere, cookie writes need the CSRF token, the user's
 * other sessions and their live Socket.IO connections end, and the change is in the audit log.
 */
import assert from "node:assert/strict";
import { PortalSession, startSystem, waitFor } from "./web_support.ts";

Deno.test("account: a viewer changes their own password; their other sessions end", async () => {
  const sys = await startSystem();
  const base = sys.web.url;
  try {
    const admin = await sys.login();
    const here = await admin.addUser("ada", "viewer");
    const elsewhere = await PortalSession.login(base, "ada", "ada-password");
    const change = (who: PortalSession, body: unknown, headers: Record<string, string> = {}) =>
      who.fetch("/api/v1/me/password", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => undefined) }));
    const good = { currentPassword: "ada-password", newPassword: "ada-new-password" };

    // A cookie write like any other: the CSRF token and the portal's origin.
    assert.equal((await change(here, good, { "x-csrf-token": "" })).body.error, "csrf");
    assert.equal(
      (await change(here, good, { origin: "http://evil.example" })).body.error,
      "forbidden_origin",
    );
    // The current password is required, and checked.
    const wrong = await change(here, { ...good, currentPassword: "not-adas-password" });
    assert.deepEqual([wrong.status, wrong.body.error], [403, "invalid_credentials"]);
    assert.equal((await change(here, { newPassword: "ada-new-password" })).status, 400);
    // The new one follows the rule every password follows.
    const short = await change(here, { ...good, newPassword: "short" });
    assert.equal(short.status, 400);
    assert.match(short.body.message, /newPassword/);
    // An API token has no password of its own.
    const token = (await admin.json("POST", "/api/v1/tokens", { name: "script", role: "admin" })).body.token;
    const byToken = await fetch(`${base}/api/v1/me/password`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(good),
    });
    assert.equal(byToken.status, 400);
    assert.match((await byToken.json()).message, /API token has no password/);
    // Nothing so far changed it.
    await PortalSession.login(base, "ada", "ada-password");

    const socket = elsewhere.socket();
    try {
      await waitFor(() => socket.connected, "ada's other socket");
      const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      assert.deepEqual(await change(here, good), { status: 200, body: { endedSessions: 2 } });
      assert.equal(await disconnected, "io server disconnect", "the other session's live socket is closed");
    } finally {
      socket.disconnect();
    }
    assert.equal(
      (await here.json("GET", "/api/v1/session")).status,
      200,
      "the session that changed it stays",
    );
    assert.equal((await elsewhere.json("GET", "/api/v1/session")).status, 401);
    await assert.rejects(PortalSession.login(base, "ada", "ada-password"), /401/);
    await PortalSession.login(base, "ada", "ada-new-password");

    const audit = (await admin.json("GET", "/api/v1/audit?action=password")).body.items;
    assert.deepEqual(
      audit.map((e: { actor: string; role: string; action: string; target: string }) =>
        [e.actor, e.role, e.action, e.target].join(" ")
      ).reverse(),
      ["ada viewer password.failure ada", "ada viewer password.change ada"],
    );
    assert.deepEqual(audit[0].detail, { endedSessions: 2 });
    const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
    assert.ok(doc.paths["/api/v1/me/password"].post, "documented");
  } finally {
    await sys.close();
  }
});
