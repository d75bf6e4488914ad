/**
 * Secrets at rest (docs/security.md, "Passwords or sessions read from a stolen database or backup"): the
 * portal keeps session ids and API token secrets as SHA-256 only. After a real sign-in (the session cookie)
 * and a real API token, the bytes of portal.db and its WAL are searched: the cookie's value and the token's
 * secret part are not there in clear (nor as raw bytes), while their SHA-256 is, which shows the search
 * looked where they were written. The same once the portal has stopped and the WAL is checkpointed.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { needsSqlite } from "./cluster_support.ts";
import { ADMIN_PASSWORD, startSystem } from "./web_support.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Every file under `dir` (DATA_DIR also holds the CSMS's files). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...await filesUnder(path));
    else if (entry.isFile) out.push(path);
  }
  return out;
}

async function readIfThere(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return new Uint8Array();
    throw err;
  }
}

const contains = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).includes(needle);

const text = (s: string) => new TextEncoder().encode(s);
const base64url = (s: string) =>
  Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

Deno.test("secrets at rest: portal.db and its WAL hold no session cookie or token secret in clear", {
  // On PostgreSQL the portal's store is not portal.db: there is no file of its own to search.
  ignore: needsSqlite("portal.db and its WAL for the session and token secrets"),
}, async () => {
  const sys = await startSystem();
  const db = join(sys.dataDir, "portal.db");
  try {
    const admin = await sys.login();
    const cookieValue = admin.cookie.slice("cw_session=".length);
    assert.match(cookieValue, /^[\w-]{43}$/);
    const viewer = await admin.addUser("vic", "viewer");
    const viewerCookie = viewer.cookie.slice("cw_session=".length);

    const created = await admin.json("POST", "/api/v1/tokens", { name: "at-rest", role: "operator" });
    assert.equal(created.status, 201);
    const m = /^cw_([0-9a-f]{12})_([\w-]{43})$/.exec(created.body.token);
    assert.ok(m, `token format: ${created.body.token}`);
    const [token, tokenId, secret] = m;
    // Used once, so that whatever a use writes (last used) is on disk as well.
    const used = await fetch(`${sys.web.url}/api/v1/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(used.status, 200);
    assert.equal((await used.json()).kind, "token");

    const secrets: Record<string, string> = {
      "admin's session cookie": cookieValue,
      "a viewer's session cookie": viewerCookie,
      "the API token": token,
      "the API token's secret": secret,
      "admin's password": ADMIN_PASSWORD,
      "a viewer's password": "vic-password",
    };
    const checkNoneIn = (what: string, bytes: Uint8Array) => {
      for (const [name, value] of Object.entries(secrets)) {
        assert.ok(!contains(bytes, text(value)), `${name} is in ${what} in clear`);
      }
      for (const [name, value] of [["admin's cookie", cookieValue], ["the token's secret", secret]]) {
        assert.ok(!contains(bytes, base64url(value)), `${name} is in ${what} as raw bytes`);
      }
    };

    // While the portal runs: the file and its WAL, where the latest writes are.
    const live = [await readIfThere(db), await readIfThere(`${db}-wal`)];
    assert.ok(live[0].length > 0, "portal.db exists");
    const both = Buffer.concat(live);
    // Positive control: what is stored instead (the hashes) is found by the same search.
    assert.ok(contains(both, text(sha256(cookieValue))), "the session's SHA-256 is in portal.db or its WAL");
    assert.ok(contains(both, text(sha256(secret))), "the token secret's SHA-256 is in portal.db or its WAL");
    assert.ok(contains(both, text(tokenId)), "the token's public id is in portal.db or its WAL");
    checkNoneIn("portal.db", live[0]);
    checkNoneIn("portal.db-wal", live[1]);
    // Nor in any other file of DATA_DIR (the CSMS's database, logs).
    for (const file of await filesUnder(sys.dataDir)) checkNoneIn(file, await Deno.readFile(file));

    // Stopped: the WAL is checkpointed into the file, which is what a backup copies.
    await sys.web.close();
    const stopped = await readIfThere(db);
    assert.ok(
      contains(stopped, text(sha256(cookieValue))),
      "the session's SHA-256 is in the stopped portal.db",
    );
    for (const file of await filesUnder(sys.dataDir)) checkNoneIn(file, await Deno.readFile(file));
  } finally {
    await sys.close();
  }
});
