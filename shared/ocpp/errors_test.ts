import assert from "node:assert/strict";
import {
  ERROR_CODES as CANONICAL,
  normalizeErrorCode,
  OcppError,
  RpcClosedError,
  RpcTimeoutError,
  spellErrorCode,
} from "./errors.ts";

/** The ten codes OCPP-J 1.6 defines, in its own spelling. */
const OCPP16_CODES = [
  "NotImplemented",
  "NotSupported",
  "InternalError",
  "ProtocolError",
  "SecurityError",
  "FormationViolation",
  "PropertyConstraintViolation",
  "OccurenceConstraintViolation",
  "TypeConstraintViolation",
  "GenericError",
];

Deno.test("errors: 1.6 gets its own spellings on the wire", () => {
  assert.equal(spellErrorCode("FormatViolation", "ocpp1.6"), "FormationViolation");
  assert.equal(spellErrorCode("OccurrenceConstraintViolation", "ocpp1.6"), "OccurenceConstraintViolation");
  // 1.6 has no such codes: a frame it cannot read is a FormationViolation.
  assert.equal(spellErrorCode("RpcFrameworkError", "ocpp1.6"), "FormationViolation");
  assert.equal(spellErrorCode("MessageTypeNotSupported", "ocpp1.6"), "FormationViolation");
});

Deno.test("errors: every code spelt for 1.6 is one that 1.6 defines", () => {
  for (const code of CANONICAL) {
    const wire = spellErrorCode(code, "ocpp1.6");
    assert.ok(OCPP16_CODES.includes(wire), `${code} -> ${wire}`);
  }
});

Deno.test("errors: 2.0.1 spells every code as it is", () => {
  for (const code of CANONICAL) assert.equal(spellErrorCode(code, "ocpp2.0.1"), code);
});

Deno.test("errors: every spelling of every version is accepted on input", () => {
  for (const code of CANONICAL) assert.equal(normalizeErrorCode(code), code);
  assert.equal(normalizeErrorCode("FormationViolation"), "FormatViolation");
  assert.equal(normalizeErrorCode("OccurenceConstraintViolation"), "OccurrenceConstraintViolation");
  for (const code of OCPP16_CODES) assert.ok(CANONICAL.includes(normalizeErrorCode(code)), code);
  // What we send comes back to what we meant.
  for (const code of CANONICAL) {
    const back = normalizeErrorCode(spellErrorCode(code, "ocpp1.6"));
    if (code === "RpcFrameworkError" || code === "MessageTypeNotSupported") {
      assert.equal(back, "FormatViolation");
    } else assert.equal(back, code);
  }
});

Deno.test("errors: an unknown code becomes GenericError, prototype names included", () => {
  for (
    const code of ["", "Bogus", "formatviolation", "toString", "constructor", "__proto__", "hasOwnProperty"]
  ) {
    assert.equal(normalizeErrorCode(code), "GenericError", JSON.stringify(code));
  }
});

Deno.test("errors: the error classes carry what callers need", () => {
  const e = new OcppError("NotSupported", "no reservations", { hint: 1 });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "OcppError");
  assert.equal(e.code, "NotSupported");
  assert.equal(e.description, "no reservations");
  assert.deepEqual(e.details, { hint: 1 });
  assert.equal(e.message, "NotSupported: no reservations");
  assert.equal(new OcppError("GenericError").message, "GenericError");
  assert.deepEqual(new OcppError("GenericError").details, {});

  const t = new RpcTimeoutError("Heartbeat", 250);
  assert.equal(t.name, "RpcTimeoutError");
  assert.equal(t.action, "Heartbeat");
  assert.equal(t.timeoutMs, 250);
  assert.match(t.message, /Heartbeat.*250 ms/);

  const c = new RpcClosedError("Reset", "socket gone");
  assert.equal(c.name, "RpcClosedError");
  assert.equal(c.action, "Reset");
  assert.match(c.message, /Reset.*socket gone/);
  assert.match(new RpcClosedError("Reset").message, /connection closed/);
});
