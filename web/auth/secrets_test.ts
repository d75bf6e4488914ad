import assert from "node:assert/strict";
import {
  DUMMY_HASH,
  generatePassword,
  hashPassword,
  newApiToken,
  parseApiToken,
  safeEqual,
  verifyPassword,
} from "./secrets.ts";

Deno.test("secrets: a password hash verifies its password only, and is salted", async () => {
  const a = await hashPassword("correct horse battery");
  const b = await hashPassword("correct horse battery");
  assert.match(a, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.notEqual(a, b, "two hashes of one password differ (salt)");
  assert.equal(await verifyPassword("correct horse battery", a), true);
  assert.equal(await verifyPassword("correct horse batterY", a), false);
  assert.equal(await verifyPassword("", a), false);
  // The same text in another Unicode normal form is the same password.
  assert.equal(await verifyPassword("caf\u00e9-password", await hashPassword("cafe\u0301-password")), true);
});

Deno.test("secrets: unreadable hashes and the dummy hash match nothing", async () => {
  for (const bad of ["", "plain", "scrypt$1$2$3", "bcrypt$x$y$z$a$b", "scrypt$99999999$8$1$AAAA$AAAA"]) {
    assert.equal(await verifyPassword("anything-at-all", bad), false, bad);
  }
  assert.equal(await verifyPassword("", DUMMY_HASH), false);
  assert.equal(await verifyPassword("password", DUMMY_HASH), false);
});

Deno.test("secrets: API tokens have a public id and a secret, and parse back", () => {
  const t = newApiToken();
  assert.match(t.token, /^cw_[0-9a-f]{12}_[\w-]{43}$/);
  assert.deepEqual(parseApiToken(t.token), { id: t.id, secret: t.secret });
  for (
    const bad of [
      "",
      "cw_",
      `xx_${t.id}_${t.secret}`,
      `cw_${t.id}_${t.secret}x`,
      // Upper-case hex (a random id may hold digits only, so a fixed one with letters).
      `cw_ABCDEF012345_${t.secret}`,
    ]
  ) {
    assert.equal(parseApiToken(bad), undefined, bad);
  }
  assert.notEqual(newApiToken().token, t.token);
});

Deno.test("secrets: generated passwords and constant-time equality", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const p = generatePassword();
    assert.match(p, /^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    seen.add(p);
  }
  assert.equal(seen.size, 50);
  assert.equal(safeEqual("abc", "abc"), true);
  assert.equal(safeEqual("abc", "abd"), false);
  assert.equal(safeEqual("abc", "abcd"), false);
});
