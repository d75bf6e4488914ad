/**
 * OCPP security profiles 1 and 2 over real sockets: CHARGER_POLICY open,
 * registered and basic; HTTP Basic auth with hashed AuthorizationKeys; TLS
 * with a certificate made at test time; the charger simulator's --password and
 * wss://. Refusals are checked with npm:ws, which reports the HTTP status
 * (Deno's client does not).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DB_FILE } from "../csms/store/sqlite/db.ts";
import {
  attempt,
  ChargerProcess,
  HAS_OPENSSL,
  makeTestCertificates,
  startTestCsms,
  type TestCsms,
  waitFor,
} from "./csms_support.ts";
import { needsSqlite } from "./cluster_support.ts";

async function withCsms(env: Record<string, string>, fn: (t: TestCsms) => Promise<void>): Promise<void> {
  const t = await startTestCsms(env);
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

const KEY = "Chargewire-Key-0001";

Deno.test("charger auth: CHARGER_POLICY=open registers unknown chargers, but one with a key must present it", async () => {
  await withCsms({ CHARGER_POLICY: "open" }, async (t) => {
    const url = t.csms.url;
    const fresh = await attempt(`${url}/CP-NEW`);
    assert.equal(fresh.opened, true);
    const reg = await waitFor(() => t.csms.storage.reads.getRegistration("CP-NEW"), "CP-NEW registered");
    assert.deepEqual({ ...reg, createdAt: "" }, {
      id: "CP-NEW",
      securityProfile: 0,
      hasKey: false,
      bootStatus: "Accepted",
      createdAt: "",
    });

    await t.admin.registerCharger("CP-KEYED", { securityProfile: 1, authorizationKey: KEY });
    const none = await attempt(`${url}/CP-KEYED`);
    assert.equal(none.status, 401);
    assert.match(none.wwwAuthenticate ?? "", /^Basic realm="OCPP"/);
    assert.equal((await attempt(`${url}/CP-KEYED`, { password: "Wrong-Key-000000001" })).status, 401);
    assert.equal((await attempt(`${url}/CP-KEYED`, { password: KEY })).opened, true);
  });
});

Deno.test("charger auth: CHARGER_POLICY=registered answers 404 to unknown ids and 401 to a wrong key", async () => {
  await withCsms({ CHARGER_POLICY: "registered" }, async (t) => {
    const url = t.csms.url;
    const unknown = await attempt(`${url}/CP-STRANGER`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body ?? "", /not registered/);
    assert.equal(
      await t.csms.storage.reads.getRegistration("CP-STRANGER"),
      undefined,
      "not registered by trying",
    );
    assert.equal(await t.csms.storage.reads.getCharger("CP-STRANGER"), undefined);

    await t.admin.registerCharger("CP-P0", { securityProfile: 0 });
    assert.equal((await attempt(`${url}/CP-P0`)).opened, true, "profile 0: no password");

    const { authorizationKey } = await t.admin.registerCharger("CP-P1");
    assert.ok(authorizationKey, "a key was generated and handed back once");
    assert.equal((await attempt(`${url}/CP-P1`, { password: authorizationKey })).opened, true);
    const wrong = await attempt(`${url}/CP-P1`, { password: `${authorizationKey.slice(1)}x` });
    assert.equal(wrong.status, 401);
    assert.match(wrong.wwwAuthenticate ?? "", /^Basic /);
    assert.equal((await attempt(`${url}/CP-P1`)).status, 401, "no credentials");
  });
});

Deno.test("charger auth: CHARGER_POLICY=basic needs a registration and the right key; unregistering cuts the charger off", async () => {
  await withCsms({ CHARGER_POLICY: "basic" }, async (t) => {
    const url = t.csms.url;
    // Unknown ids get the same 401 as a wrong key: which ids exist is not given away.
    const unknown = await attempt(`${url}/CP-NOBODY`, { password: KEY });
    assert.equal(unknown.status, 401);
    assert.match(unknown.wwwAuthenticate ?? "", /^Basic realm="OCPP", charset="UTF-8"$/);
    await t.admin.registerCharger("CP-NOKEY", { securityProfile: 0 });
    assert.equal((await attempt(`${url}/CP-NOKEY`)).status, 401, "basic: a charger without a key is refused");

    const r = await t.admin.registerCharger("CP-B1", { securityProfile: 1, authorizationKey: KEY });
    assert.equal(r.authorizationKey, undefined, "a key the operator chose is not echoed");
    assert.deepEqual(r.registration.hasKey, true);
    assert.equal((await attempt(`${url}/CP-B1`, { password: "Wrong-Key-000000001" })).status, 401);
    assert.equal((await attempt(`${url}/CP-B1`, { user: "CP-NOKEY", password: KEY })).status, 401);
    assert.equal(
      (await attempt(`${url}/CP-B1`, { password: KEY.toLowerCase() })).status,
      401,
      "case matters",
    );

    // The right key: connected, online; removing the registration closes the live connection.
    const release = Promise.withResolvers<void>();
    const live = attempt(`${url}/CP-B1`, { password: KEY, keepOpen: release.promise });
    await waitFor(async () => (await t.csms.storage.reads.getCharger("CP-B1"))?.online, "CP-B1 online");
    assert.equal(await t.admin.unregisterCharger("CP-B1"), true);
    const ended = await live;
    release.resolve();
    assert.equal(ended.opened, true);
    assert.equal(ended.closeCode, 1008);
    assert.equal((await attempt(`${url}/CP-B1`, { password: KEY })).status, 401);
    assert.equal(await t.admin.unregisterCharger("CP-B1"), false);
  });
});

Deno.test("charger auth: registration rules; keys are stored hashed, never in clear", {
  ignore: needsSqlite("the CSMS's SQLite file and its WAL for clear keys"),
}, async () => {
  await withCsms({ CHARGER_POLICY: "basic" }, async (t) => {
    const q = t.reads;
    await assert.rejects(
      t.admin.registerCharger("CP-X", { authorizationKey: "short" }),
      /16 to 40 characters/,
    );
    await assert.rejects(
      t.admin.registerCharger("CP-X", { authorizationKey: "has spaces in it 123" }),
      /passwordString/,
    );
    await assert.rejects(t.admin.registerCharger("A:B"), /must not contain ':'/);
    await assert.rejects(t.admin.registerCharger("x".repeat(49)), /longer than 48/);
    await assert.rejects(t.admin.registerCharger("CP-X", { securityProfile: 3 as never }), /0, 1 or 2/);
    await assert.rejects(
      t.admin.registerCharger("CP-X", { securityProfile: 0, authorizationKey: KEY }),
      /takes no/,
    );
    assert.equal(await q.getRegistration("CP-X"), undefined, "nothing stored by a refused registration");

    const chosen = "Operator-Chosen-Key-42";
    await t.admin.registerCharger("CP-H1", { securityProfile: 1, authorizationKey: chosen });
    const generated = (await t.admin.registerCharger("CP-H2", { securityProfile: 2 })).authorizationKey!;
    assert.equal(generated.length, 32);
    // Changing the key: the old one stops working, the new one works.
    const rotated = (await t.admin.registerCharger("CP-H1", { securityProfile: 1 })).authorizationKey!;
    assert.equal((await attempt(`${t.csms.url}/CP-H1`, { password: chosen })).status, 401);
    assert.equal((await attempt(`${t.csms.url}/CP-H1`, { password: rotated })).opened, true);
    assert.deepEqual(
      (await q.listRegistrations()).map((r) => [r.id, r.securityProfile, r.hasKey]),
      [["CP-H1", 1, true], ["CP-H2", 2, true]],
    );
    assert.ok(!JSON.stringify(await q.listRegistrations()).includes("pbkdf2"), "no hash leaves the CSMS");

    // At rest: the database file and its write-ahead log hold the hashes, never a clear key.
    const files = [DB_FILE, `${DB_FILE}-wal`].map((f) => join(t.dataDir, f));
    const bytes = new TextDecoder("latin1").decode(
      new Uint8Array(
        (await Promise.all(files.map((f) => Deno.readFile(f).catch(() => new Uint8Array())))).flatMap((
          b,
        ) => [...b]),
      ),
    );
    for (const key of [chosen, generated, rotated]) {
      assert.ok(!bytes.includes(key), `clear key ${key} on disk`);
    }
    const db = new DatabaseSync(join(t.dataDir, DB_FILE), { readOnly: true });
    try {
      const rows = db.prepare("SELECT id, key_hash FROM charger_registrations ORDER BY id").all();
      assert.equal(rows.length, 2);
      for (const r of rows) assert.match(String(r.key_hash), /^pbkdf2-sha256\$100000\$[^$]{24}\$[^$]{44}$/);
    } finally {
      db.close();
    }
  });
});

Deno.test("charger auth: a profile-2 charger is refused on plain ws://, even with the right key", async () => {
  await withCsms({ CHARGER_POLICY: "basic" }, async (t) => {
    await t.admin.registerCharger("CP-TLS-ONLY", { securityProfile: 2, authorizationKey: KEY });
    const r = await attempt(`${t.csms.url}/CP-TLS-ONLY`, { password: KEY });
    assert.equal(r.status, 403);
    assert.match(r.body ?? "", /security profile 2: connect with wss:\/\//);
    assert.equal(await t.csms.storage.reads.getCharger("CP-TLS-ONLY"), undefined);
  });
});

Deno.test("charger auth: the simulator's --password gets it in; a wrong one keeps it out", async () => {
  await withCsms({ CHARGER_POLICY: "basic" }, async (t) => {
    await t.admin.registerCharger("SIM-PW", { securityProfile: 1, authorizationKey: KEY });
    const good = new ChargerProcess(["--id", "SIM-PW", "--url", t.csms.url, "--password", KEY]);
    const bad = new ChargerProcess(["--id", "SIM-PW-BAD", "--url", t.csms.url, "--password", KEY]);
    try {
      await waitFor(
        async () => (await t.csms.storage.reads.getCharger("SIM-PW"))?.lastBootAt,
        "SIM-PW booted",
        30_000,
      );
      assert.equal((await t.csms.storage.reads.getCharger("SIM-PW"))?.online, true);
      // The refused one keeps retrying (backoff) and never gets a session.
      await waitFor(() => bad.of("disconnected").length >= 1, "SIM-PW-BAD refused", 30_000);
      assert.equal(bad.of("connected").length, 0);
      assert.equal(bad.of("disconnected")[0].wasOpen, false);
      assert.equal(await t.csms.storage.reads.getCharger("SIM-PW-BAD"), undefined);
    } finally {
      assert.equal(await good.stop(), 0);
      assert.equal(await bad.stop(), 0);
    }
  });
});

Deno.test({
  name:
    "charger auth: TLS (profile 2) with a certificate made at test time; the simulator connects over wss:// (1.6 and 2.0.1)",
  ignore: !HAS_OPENSSL,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "csms_tls_" });
    try {
      const certs = await makeTestCertificates(dir);
      const ca = await Deno.readTextFile(certs.caFile);
      await withCsms(
        { CHARGER_POLICY: "basic", TLS_CERT: certs.certFile, TLS_KEY: certs.keyFile },
        async (t) => {
          assert.match(t.csms.url, /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
          await t.admin.registerCharger("CP-P2", { securityProfile: 2, authorizationKey: KEY });
          assert.equal((await attempt(`${t.csms.url}/CP-P2`, { password: KEY, ca })).opened, true);
          assert.equal(
            (await attempt(`${t.csms.url}/CP-P2`, { password: "Wrong-Key-000000001", ca })).status,
            401,
          );
          // Without trusting the CA, no connection; and there is no plain ws:// on a TLS port.
          assert.equal((await attempt(`${t.csms.url}/CP-P2`, { password: KEY })).opened, false);
          const plain = await attempt(`${t.csms.url.replace("wss:", "ws:")}/CP-P2`, { password: KEY });
          assert.equal(plain.opened, false);
          assert.notEqual(plain.status, 101);

          // The simulator, trusting the test CA through DENO_CERT.
          const sim = new ChargerProcess(
            ["--id", "CP-P2", "--url", t.csms.url, "--password", KEY],
            { DENO_CERT: certs.caFile },
          );
          try {
            await waitFor(
              async () => (await t.csms.storage.reads.getCharger("CP-P2"))?.lastBootAt,
              "boot over TLS",
              30_000,
            );
            // The simulator's own account of it (its output may trail the CSMS's record).
            const [boot] = await waitFor(
              () => sim.of("boot").length > 0 && sim.of("boot"),
              "the simulator's boot line",
            );
            assert.equal(boot.status, "Accepted");
          } finally {
            assert.equal(await sim.stop(), 0);
          }

          // An OCPP 2.0.1 station, the same registration rules and the same TLS.
          await t.admin.registerCharger("CS-P2-201", { securityProfile: 2, authorizationKey: KEY });
          const station = new ChargerProcess(
            ["--id", "CS-P2-201", "--url", t.csms.url, "--password", KEY, "--ocpp", "2.0.1"],
            { DENO_CERT: certs.caFile },
          );
          try {
            const charger = await waitFor(
              async () => {
                const c = await t.csms.storage.reads.getCharger("CS-P2-201");
                return c?.lastBootAt ? c : undefined;
              },
              "the 2.0.1 station's boot over TLS",
              30_000,
            );
            assert.equal(charger.protocol, "ocpp2.0.1");
          } finally {
            assert.equal(await station.stop(), 0);
          }
        },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
