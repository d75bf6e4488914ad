import assert from "node:assert/strict";
import { timingSafeEqual } from "node:crypto";
import {
  digestsEqual,
  DUMMY_KEY_HASH,
  generateKey,
  hashKey,
  keyProblem,
  MAX_KEY_LENGTH,
  MIN_KEY_LENGTH,
  verifyKey,
} from "./charger_keys.ts";

Deno.test("charger keys: OCPP 1.6 security whitepaper rules, 16 to 40 passwordString characters", () => {
  assert.equal(keyProblem("a".repeat(MIN_KEY_LENGTH)), undefined);
  assert.equal(keyProblem("A1*-_=:+|@.".padEnd(MAX_KEY_LENGTH, "z")), undefined);
  assert.match(keyProblem("a".repeat(15))!, /16 to 40 characters \(got 15\)/);
  assert.match(keyProblem("a".repeat(41))!, /got 41/);
  for (const bad of ["with a space 1234", "tab\there-123456789", 'quote"d-1234567890', "é".repeat(16)]) {
    assert.match(keyProblem(bad)!, /passwordString/, bad);
  }
  assert.match(keyProblem(42)!, /must be a string/);
});

Deno.test("charger keys: generated keys follow the rules and do not repeat", () => {
  const keys = new Set(Array.from({ length: 200 }, generateKey));
  assert.equal(keys.size, 200);
  for (const k of keys) assert.equal(keyProblem(k), undefined, k);
  // Every character of the alphabet turns up: no bias that leaves some out.
  assert.equal(new Set([...keys].join("")).size, 62);
});

Deno.test("charger keys: hashed with a per-key salt; verified only by the same key", async () => {
  const key = "CorrectHorseBattery1";
  const a = await hashKey(key, 1000);
  const b = await hashKey(key, 1000);
  assert.match(a, /^pbkdf2-sha256\$1000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b, "a fresh salt each time");
  assert.ok(!a.includes(key));
  assert.equal(await verifyKey(key, a), true);
  assert.equal(await verifyKey(key, b), true);
  assert.equal(await verifyKey("CorrectHorseBattery2", a), false);
  assert.equal(await verifyKey("", a), false);
  assert.equal(await verifyKey(key.repeat(100), a), false);
  for (
    const broken of ["", "plain-text-key", "pbkdf2-sha256$0$AAAA$AAAA", "md5$1$a$b", "pbkdf2-sha256$10$!!$??"]
  ) {
    assert.equal(await verifyKey(key, broken), false, broken);
  }
  // The default cost is the stored one.
  assert.match(await hashKey(key), /^pbkdf2-sha256\$100000\$/);
});

Deno.test("charger keys: digests are compared with node:crypto's constant-time timingSafeEqual", () => {
  assert.equal(digestsEqual, timingSafeEqual);
  assert.equal(digestsEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
  assert.equal(digestsEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
});

Deno.test("charger keys: the dummy hash costs a real key's derivation and matches no key", async () => {
  // The same scheme and iteration count as a key stored today, with a salt and digest of the real sizes.
  const [scheme, iterations, salt, digest] = DUMMY_KEY_HASH.split("$");
  const real = (await hashKey("CorrectHorseBattery1")).split("$");
  assert.deepEqual([scheme, iterations, salt.length, digest.length], [
    real[0],
    real[1],
    real[2].length,
    real[3].length,
  ]);
  for (const key of ["", "CorrectHorseBattery1", "A".repeat(40)]) {
    assert.equal(await verifyKey(key, DUMMY_KEY_HASH), false, key);
  }
});
