import assert from "node:assert/strict";
import { basicAuth } from "../charger/transport.ts";
import {
  AuthFailures,
  type Credentials,
  decideAccess,
  parseBasicAuth,
  unauthorized,
} from "./charger_access.ts";
import type { ChargerPolicy } from "./config.ts";

Deno.test("charger access: Basic credentials are parsed as UTF-8 user:password", () => {
  assert.equal(parseBasicAuth(null), undefined);
  assert.deepEqual(parseBasicAuth(basicAuth("CP-1", "pass:with:colons")), {
    user: "CP-1",
    password: "pass:with:colons",
  });
  assert.deepEqual(parseBasicAuth(basicAuth("CP é", "ünïcode-key-12345")), {
    user: "CP é",
    password: "ünïcode-key-12345",
  });
  assert.deepEqual(parseBasicAuth(`basic ${btoa("a:")}`), { user: "a", password: "" });
  for (
    const bad of [
      "Bearer abc",
      "Basic",
      "Basic !!!",
      `Basic ${btoa("no-colon")}`,
      `Basic ${btoa("\xff\xfe:x")}`,
    ]
  ) {
    assert.equal(parseBasicAuth(bad), "malformed", bad);
  }
});

const creds = (user: string, password = "secret-key-123456"): Credentials => ({ user, password });
/** A 401 that costs a key derivation over `password`, as a wrong key does. */
const decoy = (password: string, reason: Parameters<typeof unauthorized>[0]) => ({
  kind: "decoy",
  password,
  refusal: unauthorized(reason),
});
const decide = (
  policy: ChargerPolicy,
  registration: Parameters<typeof decideAccess>[0]["registration"],
  credentials: Credentials | "malformed" | undefined,
  secure = false,
) => decideAccess({ policy, chargerId: "CP-1", registration, credentials, secure });

Deno.test("charger access: unknown chargers by policy", () => {
  assert.deepEqual(decide("open", undefined, undefined), { kind: "allow", register: true });
  assert.deepEqual(decide("approve", undefined, undefined), { kind: "allow", register: true });
  const reg = decide("registered", undefined, undefined);
  assert.equal(reg.kind === "refuse" && reg.status, 404);
  assert.equal(reg.kind === "refuse" && reg.reason, "unknown-id");
  // basic: the same 401 as a wrong key, after the same key derivation, so that ids cannot be enumerated.
  assert.deepEqual(decide("basic", undefined, creds("CP-1")), decoy("secret-key-123456", "unknown-id"));
  assert.deepEqual(decide("basic", undefined, "malformed"), decoy("", "unknown-id"));
  // Without credentials nothing is derived, for a registered charger either: the same fast 401.
  assert.deepEqual(decide("basic", undefined, undefined), unauthorized("unknown-id"));
  assert.match(unauthorized("unknown-id").headers!["www-authenticate"], /^Basic realm="OCPP"/);
  // The reason is for the CSMS's own log: the HTTP answer is the same whatever it is.
  const { reason: _a, ...unknown } = unauthorized("unknown-id");
  const { reason: _b, ...wrongKey } = unauthorized("bad-credentials");
  assert.deepEqual(unknown, wrongKey);
});

Deno.test("charger access: registered chargers without a key (profile 0)", () => {
  const p0 = { securityProfile: 0 as const };
  assert.deepEqual(decide("open", p0, undefined), { kind: "allow", register: false });
  assert.deepEqual(decide("registered", p0, undefined), { kind: "allow", register: false });
  assert.deepEqual(decide("basic", p0, creds("CP-1")), decoy("secret-key-123456", "no-key-registered"));
  assert.deepEqual(decide("basic", p0, undefined), unauthorized("no-key-registered"));
});

Deno.test("charger access: a charger with a key must present it under every policy", () => {
  const p1 = { securityProfile: 1 as const, keyHash: "H" };
  for (const policy of ["open", "approve", "registered", "basic"] as const) {
    assert.deepEqual(decide(policy, p1, creds("CP-1")), {
      kind: "verify",
      password: "secret-key-123456",
      keyHash: "H",
    });
    assert.deepEqual(decide(policy, p1, undefined), unauthorized("no-credentials"), policy);
    assert.deepEqual(decide(policy, p1, "malformed"), decoy("", "bad-credentials"), policy);
    assert.deepEqual(
      decide(policy, p1, creds("CP-2")),
      decoy("secret-key-123456", "bad-credentials"),
      "another charger's user name",
    );
  }
});

Deno.test("charger access: a profile-2 charger is refused without TLS, before its key is looked at", () => {
  const p2 = { securityProfile: 2 as const, keyHash: "H" };
  const plain = decide("basic", p2, creds("CP-1"));
  assert.equal(plain.kind === "refuse" && plain.status, 403);
  assert.equal(plain.kind === "refuse" && plain.reason, "tls-required");
  assert.match(plain.kind === "refuse" ? plain.message : "", /wss:\/\//);
  assert.deepEqual(decide("open", p2, undefined), plain, "no credentials: the same refusal");
  assert.deepEqual(decide("basic", p2, creds("CP-1"), true), {
    kind: "verify",
    password: "secret-key-123456",
    keyHash: "H",
  });
  // Profile 1 is fine over TLS too.
  assert.equal(decide("basic", { securityProfile: 1, keyHash: "H" }, creds("CP-1"), true).kind, "verify");
});

Deno.test("charger access: failed authentications are limited per address per minute", () => {
  const f = new AuthFailures(3);
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) {
    assert.equal(f.blocked("10.0.0.1", t0 + i), false);
    f.failed("10.0.0.1", t0 + i);
  }
  assert.equal(f.blocked("10.0.0.1", t0 + 10), true);
  assert.equal(f.blocked("10.0.0.2", t0 + 10), false, "other addresses are unaffected");
  assert.equal(f.blocked("10.0.0.1", t0 + 60_000), false, "a new minute starts afresh");
});
