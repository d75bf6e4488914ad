import assert from "node:assert/strict";
import fc from "fast-check";
import {
  characterCount,
  CHARGER_ID_PATTERN,
  chargerIdProblem,
  ID_TOKEN_PATTERN,
  idTokenProblem,
  MAX_CHARGER_ID_LENGTH,
  MAX_ID_TOKEN_LENGTH,
} from "./identifiers.ts";

Deno.test("charger id: counted in characters, not UTF-16 units or bytes", () => {
  assert.equal(characterCount("🔌".repeat(3)), 3);
  assert.equal(chargerIdProblem("🔌".repeat(MAX_CHARGER_ID_LENGTH)), undefined);
  assert.equal(chargerIdProblem("é".repeat(MAX_CHARGER_ID_LENGTH)), undefined);
  assert.match(chargerIdProblem("🔌".repeat(MAX_CHARGER_ID_LENGTH + 1))!, /longer than 48/);
  assert.match(chargerIdProblem("")!, /missing/);
  assert.match(chargerIdProblem("a:b")!, /':'/);
  assert.match(chargerIdProblem("a\nb")!, /control/);
  assert.match(chargerIdProblem("a\u007fb")!, /control/);
  assert.match(chargerIdProblem(42)!, /string/);
});

Deno.test("charger id: the pattern the schemas use says exactly what the function says", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: 60, unit: "binary" }), fc.string({ maxLength: 60, unit: "grapheme" })),
      (s) => {
        assert.equal(CHARGER_ID_PATTERN.test(s), chargerIdProblem(s) === undefined, JSON.stringify(s));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("id token: 1 to 20 characters, the pattern agreeing with the function", () => {
  assert.equal(idTokenProblem("🔑".repeat(MAX_ID_TOKEN_LENGTH)), undefined);
  assert.match(idTokenProblem("x".repeat(MAX_ID_TOKEN_LENGTH + 1))!, /at most 20/);
  assert.match(idTokenProblem("")!, /missing/);
  fc.assert(
    fc.property(fc.string({ maxLength: 30, unit: "binary" }), (s) => {
      assert.equal(ID_TOKEN_PATTERN.test(s), idTokenProblem(s) === undefined, JSON.stringify(s));
    }),
    { numRuns: 300 },
  );
});
