/**
 * The audit log end to end: the real CSMS and portal, a simulated charger in its own process, operators
 * and admins acting over REST and Socket.IO; an admin then reads who did what over REST and on the
 * Audit page, and no secret is in the log nor in portal.db.
 */
import assert from "node:assert/strict";
import type { CommandAck } from "../web/lib/protocol.ts";
import { ChargerProcess, type Json, type PortalSession, startSystem, waitFor } from "./web_support.ts";

Deno.test("audit: commands, id tags, users, tokens, registrations and sign-ins are recorded for admins", async () => {
  const sys = await startSystem();
  const id = "CP-AUDIT-1";
  const charger = new ChargerProcess(id, sys.csms.url);
  const base = sys.web.url;
  const authorizationKey = "Secret-Authorization-Key-42";
  const signIn = (username: string, password: string) =>
    fetch(`${base}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ username, password }),
    }).then((r) => r.body?.cancel());
  const entries = async (who: PortalSession, query = "") => {
    const res = await who.json("GET", `/api/v1/audit${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { total: number; items: Json[] };
  };
  try {
    const admin = await sys.login();
    const operator = await admin.addUser("otto", "operator");
    const viewer = await admin.addUser("vera", "viewer");
    await waitFor(
      async () => (await operator.json("GET", `/api/v1/chargers/${id}`)).body?.online,
      () => `${id} online; it said:\n${charger.tail()}`,
    );

    // An operator acts over REST and over Socket.IO.
    const rest = await operator.json("POST", `/api/v1/chargers/${id}/commands/ClearCache`, {});
    assert.deepEqual(rest.body, { ok: true, response: { status: "Accepted" } });
    const socket = operator.socket();
    let ack: CommandAck;
    try {
      await waitFor(() => socket.connected, "the operator's socket");
      ack = await socket.timeout(60_000).emitWithAck("command", {
        chargerId: id,
        action: "ChangeConfiguration",
        payload: { key: "AuthorizationKey", value: authorizationKey },
      });
    } finally {
      socket.disconnect();
    }
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const sentStatus = ack.ok ? (ack.response as Json).status : undefined;
    assert.equal((await operator.json("PUT", "/api/v1/id-tags/TAG-A", { status: "Accepted" })).status, 201);
    assert.equal((await operator.json("PUT", "/api/v1/id-tags/TAG-A", { status: "Blocked" })).status, 200);
    assert.equal((await operator.json("DELETE", "/api/v1/id-tags/TAG-A")).status, 204);
    // What is refused or never sent is not an action: a viewer's command, a malformed one.
    const vs = viewer.socket();
    try {
      await waitFor(() => vs.connected, "the viewer's socket");
      const refused = await vs.timeout(10_000).emitWithAck("command", {
        chargerId: id,
        action: "ClearCache",
        payload: {},
      });
      assert.equal(refused.ok, false);
    } finally {
      vs.disconnect();
    }
    assert.equal((await operator.json("POST", `/api/v1/chargers/${id}/commands/Reset`, [])).status, 400);

    // An admin changes users, tokens and registrations.
    assert.equal((await admin.json("PATCH", "/api/v1/users/vera", { role: "operator" })).status, 200);
    assert.equal(
      (await admin.json("PATCH", "/api/v1/users/vera", { password: "vera-new-password" })).status,
      200,
    );
    const token = await admin.json("POST", "/api/v1/tokens", { name: "billing", role: "viewer" });
    assert.equal(token.status, 201);
    assert.equal((await admin.json("DELETE", `/api/v1/tokens/${token.body.item.id}`)).status, 204);
    const registered = await admin.json("PUT", "/api/v1/registrations/CP-NEW", { securityProfile: 1 });
    assert.equal(registered.status, 201);
    const generatedKey: string = registered.body.authorizationKey;
    assert.equal((await admin.json("DELETE", "/api/v1/registrations/CP-NEW")).status, 204);
    assert.equal((await admin.json("DELETE", "/api/v1/users/vera")).status, 204);
    // Sign-ins: a wrong password for a user, a "user name" that is nobody's (a password typed in the wrong
    // field, say), and a right one.
    await signIn("otto", "not-ottos-password");
    await signIn("Typed-Password-In-Name-Field", "x");
    await signIn("otto", "otto-password");

    // Only admins read the log.
    assert.equal((await operator.json("GET", "/api/v1/audit")).status, 403);
    assert.equal((await viewer.json("GET", "/api/v1/audit")).status, 401, "vera was deleted");

    const all = await entries(admin, "?limit=1000");
    const lines = all.items.map((e) => [e.actor, e.role ?? "-", e.action, e.target ?? "-"].join(" "))
      .reverse();
    assert.deepEqual(lines, [
      "portal - admin.bootstrap admin",
      "admin admin login.success -",
      "admin admin user.create otto",
      "otto operator login.success -",
      "admin admin user.create vera",
      "vera viewer login.success -",
      `otto operator command.send ${id}`,
      `otto operator command.send ${id}`,
      "otto operator idtag.create TAG-A",
      "otto operator idtag.update TAG-A",
      "otto operator idtag.delete TAG-A",
      "admin admin user.role vera",
      "admin admin user.password vera",
      `admin admin token.create ${token.body.item.id}`,
      `admin admin token.revoke ${token.body.item.id}`,
      "admin admin registration.create CP-NEW",
      "admin admin registration.delete CP-NEW",
      "admin admin user.delete vera",
      " - login.failure otto",
      " - login.failure -",
      "otto operator login.success -",
    ]);
    assert.equal(all.total, lines.length);
    for (const e of all.items.filter((e) => e.actorKind !== "system")) {
      assert.equal(e.address, "127.0.0.1", `${e.action} says where it came from`);
      assert.ok(Date.parse(e.at) > 0, e.at);
    }
    const byAction = (action: string) => all.items.filter((e) => e.action === action).reverse();
    const [clearCache, changeConfiguration] = byAction("command.send");
    assert.deepEqual(clearCache.detail, { command: "ClearCache", payload: {}, result: "Accepted" });
    assert.deepEqual(changeConfiguration.detail, {
      command: "ChangeConfiguration",
      payload: { key: "AuthorizationKey", value: "(omitted)" },
      result: sentStatus,
    });
    assert.deepEqual(byAction("idtag.update")[0].detail, { status: "Blocked" });
    assert.deepEqual(byAction("user.role")[0].detail, { role: "operator" });
    assert.deepEqual(byAction("token.create")[0].detail, { name: "billing", role: "viewer" });
    assert.deepEqual(byAction("registration.create")[0].detail, { securityProfile: 1, key: "generated" });
    assert.deepEqual(byAction("login.failure").map((e) => [e.actorKind, e.target, e.detail]), [
      ["anonymous", "otto", undefined],
      ["anonymous", undefined, { user: "unknown" }],
    ]);

    // Filters: by user (any case), by action or family, by target; pages.
    const ottos = await entries(admin, "?actor=OTTO");
    assert.deepEqual(new Set(ottos.items.map((e) => e.actor)), new Set(["otto"]));
    assert.equal(ottos.total, 7);
    assert.equal((await entries(admin, "?action=command.send")).total, 2);
    assert.deepEqual(
      (await entries(admin, "?action=user")).items.map((e) => e.action).reverse(),
      ["user.create", "user.create", "user.role", "user.password", "user.delete"],
    );
    assert.equal((await entries(admin, "?target=TAG-A")).total, 3);
    const page = await entries(admin, "?actor=otto&limit=2&offset=1");
    assert.equal(page.total, 7);
    assert.deepEqual(page.items.map((e) => e.action), ["idtag.delete", "idtag.update"]);
    const bad = await admin.json("GET", "/api/v1/audit?action=DROP%20TABLE");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, "invalid");
    const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
    assert.ok(doc.paths["/api/v1/audit"].get.responses["403"], "the route and its role are documented");

    // The Audit page: for admins, linked from their navigation only.
    const html = await (await admin.fetch("/audit?action=command")).text();
    assert.match(html, /<title>Audit log · Chargewire<\/title>/);
    assert.equal(html.match(/data-action="command.send"/g)?.length, 2);
    assert.match(
      html,
      /payload: \{&quot;key&quot;:&quot;AuthorizationKey&quot;,&quot;value&quot;:&quot;\(omitted\)&quot;\}/,
    );
    assert.match(html, /href="\/audit"/);
    const forbidden = await operator.fetch("/audit");
    assert.equal(forbidden.status, 403);
    assert.doesNotMatch(await (await operator.fetch("/")).text(), /href="\/audit"/);
    await forbidden.body?.cancel();

    // No secret anywhere in the log, nor in the portal's database files.
    const secrets = [
      authorizationKey,
      generatedKey,
      token.body.token,
      "otto-password",
      "vera-new-password",
      "not-ottos-password",
      "Typed-Password-In-Name-Field",
    ];
    const text = JSON.stringify(all);
    for (const s of secrets) assert.ok(!text.includes(s), `${s} is not in the audit log`);
    for (const f of [...Deno.readDirSync(sys.dataDir)].filter((f) => f.name.startsWith("portal.db"))) {
      const raw = new TextDecoder().decode(Deno.readFileSync(`${sys.dataDir}/${f.name}`));
      for (const s of secrets) assert.ok(!raw.includes(s), `${s} is not in ${f.name}`);
    }
  } finally {
    await charger.stop();
    await sys.close();
  }
});
