/**
 * Connections refused at the handshake leave a trace: a `charger.refused` bus event each, the recent
 * refusals per charger id in the CSMS's queries (and database), and a rate-limited log line. Real
 * handshakes over real sockets; the log is the CSMS process's own stderr.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REFUSAL_LOG_LINES_PER_MINUTE } from "../csms/refusals.ts";
import { DB_FILE } from "../csms/store/sqlite/db.ts";
import {
  attempt,
  CsmsProcess,
  eventsOf,
  freePort,
  startTestCsms,
  TestCharger,
  waitFor,
} from "./csms_support.ts";
import { needsSqlite } from "./cluster_support.ts";

const KEY = "Chargewire-Key-0001";
const WRONG = "Wrong-Key-Never-Stored-42";

Deno.test("refusals: every refused handshake is published and kept per charger id, without its password", {
  ignore: needsSqlite("the CSMS's SQLite file and its WAL for the password"),
}, async () => {
  const t = await startTestCsms({ CHARGER_POLICY: "basic" });
  try {
    const url = t.csms.url;
    const http = url.replace(/^ws/, "http");
    await t.admin.registerCharger("CP-KNOWN", { securityProfile: 1, authorizationKey: KEY });
    await t.admin.registerCharger("CP-P0", { securityProfile: 0 });
    await t.admin.registerCharger("CP-P2", { securityProfile: 2, authorizationKey: KEY });
    await t.admin.registerCharger("CP-V2", { securityProfile: 1, authorizationKey: KEY });

    assert.equal((await attempt(`${url}/CP-STRANGER`, { password: WRONG })).status, 401);
    assert.equal((await attempt(`${url}/CP-KNOWN`, { password: WRONG })).status, 401);
    assert.equal((await attempt(`${url}/CP-KNOWN`)).status, 401);
    assert.equal((await attempt(`${url}/CP-KNOWN`, { user: "CP-P0", password: KEY })).status, 401);
    assert.equal((await attempt(`${url}/CP-P0`, { password: WRONG })).status, 401);
    assert.equal((await attempt(`${url}/CP-P2`, { password: KEY })).status, 403);
    assert.equal((await attempt(`${url}/CP-NOPROTO`, { password: KEY, protocols: [] })).status, 400);
    const plain = await fetch(`${http}/CP-PLAIN`);
    await plain.body?.cancel();
    assert.equal(plain.status, 426);
    // No subprotocol in common: the handshake completes (and the socket is closed with 1002), even with
    // the right key. npm:ws gives up by itself on a server that took none of its subprotocols.
    const v2 = await attempt(`${url}/CP-V2`, { password: KEY, protocols: ["ocpp2.1"] });
    assert.deepEqual([v2.status, v2.opened], [101, false]);
    // Not a charger's: another path, an invalid id. Answered, not recorded.
    for (const path of ["/elsewhere", "/ocpp/A:B"]) {
      const res = await fetch(`${http.replace(/\/ocpp$/, "")}${path}`);
      await res.body?.cancel();
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
    }
    // Let in: no refusal.
    assert.equal((await attempt(`${url}/CP-KNOWN`, { password: KEY })).opened, true);

    const refused = await waitFor(
      () => eventsOf(t.events, "charger.refused").length >= 9 && eventsOf(t.events, "charger.refused"),
      "nine refusals published",
    );
    assert.deepEqual(
      refused.map((e) => [e.chargerId, e.reason, e.status, e.remoteAddress, e.detail]),
      [
        ["CP-STRANGER", "unknown-id", 401, "127.0.0.1", undefined],
        ["CP-KNOWN", "bad-credentials", 401, "127.0.0.1", undefined],
        ["CP-KNOWN", "no-credentials", 401, "127.0.0.1", undefined],
        ["CP-KNOWN", "bad-credentials", 401, "127.0.0.1", undefined],
        ["CP-P0", "no-key-registered", 401, "127.0.0.1", undefined],
        ["CP-P2", "tls-required", 403, "127.0.0.1", undefined],
        ["CP-NOPROTO", "no-subprotocol", 400, "127.0.0.1", undefined],
        ["CP-PLAIN", "not-websocket", 426, "127.0.0.1", undefined],
        ["CP-V2", "unsupported-subprotocol", 1002, "127.0.0.1", "ocpp2.1"],
      ],
    );
    for (const e of refused) assert.ok(!Number.isNaN(Date.parse(e.at)), e.at);
    // Refused chargers get no session: none of them is a charger the CSMS knows.
    assert.equal(await t.csms.storage.reads.getCharger("CP-STRANGER"), undefined);
    assert.equal(await t.csms.storage.reads.getCharger("CP-V2"), undefined);

    const recent = await t.csms.storage.reads.listRefusals();
    const byId = new Map(recent.map((r) => [r.chargerId, r]));
    assert.deepEqual(recent.map((r) => r.chargerId).sort(), [
      "CP-KNOWN",
      "CP-NOPROTO",
      "CP-P0",
      "CP-P2",
      "CP-PLAIN",
      "CP-STRANGER",
      "CP-V2",
    ]);
    assert.equal(recent[0].chargerId, "CP-V2", "the latest first");
    const known = byId.get("CP-KNOWN")!;
    assert.deepEqual(
      [known.attempts, known.reason, known.status, known.remoteAddress, known.registered],
      [3, "bad-credentials", 401, "127.0.0.1", true],
    );
    assert.ok(known.firstAt < known.lastAt);
    assert.deepEqual(
      [byId.get("CP-STRANGER")!.attempts, byId.get("CP-STRANGER")!.registered],
      [1, false],
    );
    assert.equal(byId.get("CP-V2")!.detail, "ocpp2.1");
    assert.deepEqual((await t.csms.storage.reads.listRefusals({ limit: 2 })).map((r) => r.chargerId), [
      "CP-V2",
      "CP-PLAIN",
    ]);

    // Nothing secret from a refused request is kept or published: not in the events, not on disk.
    assert.ok(!JSON.stringify(refused).includes(WRONG));
    assert.ok(!JSON.stringify(recent).includes(WRONG));
    await t.stop();
    const bytes = new TextDecoder("latin1").decode(
      new Uint8Array(
        (await Promise.all(
          [DB_FILE, `${DB_FILE}-wal`].map((f) =>
            Deno.readFile(join(t.dataDir, f)).catch(() => new Uint8Array())
          ),
        )).flatMap((b) => [...b]),
      ),
    );
    assert.ok(bytes.includes("CP-STRANGER"), "the refusals are on disk");
    assert.ok(!bytes.includes(WRONG), "the wrong password is not");
  } finally {
    await t.close();
  }
});

Deno.test("refusals: an address past the failure limit is refused 429, and that is recorded too", async () => {
  const t = await startTestCsms({ CHARGER_POLICY: "basic" });
  try {
    const from = { password: WRONG, localAddress: "127.0.0.9" };
    let status: number | undefined;
    for (let i = 0; i < 40 && status !== 429; i++) {
      status = (await attempt(`${t.csms.url}/CP-GUESS`, from)).status;
    }
    assert.equal(status, 429);
    const [latest] = await t.csms.storage.reads.listRefusals();
    assert.deepEqual([latest.chargerId, latest.reason, latest.status, latest.remoteAddress], [
      "CP-GUESS",
      "rate-limited",
      429,
      "127.0.0.9",
    ]);
    assert.equal(latest.attempts, eventsOf(t.events, "charger.refused", "CP-GUESS").length);
  } finally {
    await t.close();
  }
});

Deno.test("refusals: the CSMS logs one line per refusal, at most so many a minute", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "csms_refusals_" });
  const csms = await CsmsProcess.start({
    CSMS_PORT: String(freePort()),
    DATA_DIR: dataDir,
    CHARGER_POLICY: "open",
  });
  try {
    const first = await attempt(`${csms.url}/CP-LOGGED`, { password: WRONG, protocols: [] });
    assert.equal(first.status, 400);
    const line = /csms: refused charge point "CP-LOGGED" from 127\.0\.0\.1: no-subprotocol \(400\)\n/;
    await waitFor(() => line.test(csms.stderr), "the refusal's line");
    assert.ok(!csms.stderr.includes(WRONG));
    // A flood: the log gets its lines a minute, no more.
    for (let i = 0; i < REFUSAL_LOG_LINES_PER_MINUTE + 10; i++) {
      assert.equal((await attempt(`${csms.url}/CP-FLOOD-${i}`, { protocols: [] })).status, 400);
    }
    // A charger that gets in is not a refusal; once it is answered, every earlier line is out too.
    const ok = await TestCharger.connect(csms.url, "CP-OK");
    await ok.boot();
    await ok.close();
    // The stderr pipe may trail: wait until it holds as many lines as it will.
    const count = () => csms.stderr.match(/csms: refused charge point/g)?.length ?? 0;
    await waitFor(() => count() >= REFUSAL_LOG_LINES_PER_MINUTE, "the minute's lines");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(count(), REFUSAL_LOG_LINES_PER_MINUTE, csms.stderr);
    assert.ok(!csms.stderr.includes("CP-OK"));
  } finally {
    csms.kill("SIGTERM");
    await csms.status();
    await Deno.remove(dataDir, { recursive: true });
  }
});
