import assert from "node:assert/strict";
import {
  isSupportedProtocol,
  negotiateProtocol,
  parseProtocolHeader,
  SUPPORTED_PROTOCOLS,
} from "./version.ts";

Deno.test("version: ocpp2.0.1 and ocpp1.6 are spoken, 2.0.1 preferred; others are not", () => {
  assert.deepEqual([...SUPPORTED_PROTOCOLS], ["ocpp2.0.1", "ocpp1.6"]);
  assert.equal(isSupportedProtocol("ocpp1.6"), true);
  assert.equal(isSupportedProtocol("ocpp2.0.1"), true);
  for (const p of ["ocpp2.0", "ocpp2.1", "ocpp1.5", "OCPP1.6", "ocpp1.6 ", ""]) {
    assert.equal(isSupportedProtocol(p), false, p);
  }
});

Deno.test("version: negotiation picks ours among what the client offers", () => {
  assert.equal(negotiateProtocol(["ocpp1.6"]), "ocpp1.6");
  assert.equal(negotiateProtocol(["ocpp2.0.1", "ocpp1.6"]), "ocpp2.0.1");
  // Our preference, not the order offered.
  assert.equal(negotiateProtocol(["ocpp1.6", "ocpp2.0.1"]), "ocpp2.0.1");
  assert.equal(negotiateProtocol(["ocpp2.0.1"]), "ocpp2.0.1");
  assert.equal(negotiateProtocol(["ocpp2.1", "ocpp1.6"]), "ocpp1.6");
  assert.equal(negotiateProtocol(["ocpp2.1"]), undefined);
  assert.equal(negotiateProtocol([]), undefined);
  assert.equal(negotiateProtocol(["OCPP1.6"]), undefined);
});

Deno.test("version: the Sec-WebSocket-Protocol header splits into trimmed tokens", () => {
  assert.deepEqual(parseProtocolHeader(null), []);
  assert.deepEqual(parseProtocolHeader(""), []);
  assert.deepEqual(parseProtocolHeader("ocpp1.6"), ["ocpp1.6"]);
  assert.deepEqual(parseProtocolHeader("ocpp2.0.1, ocpp1.6"), ["ocpp2.0.1", "ocpp1.6"]);
  assert.deepEqual(parseProtocolHeader(" ocpp1.6 ,, ,ocpp2.0.1,"), ["ocpp1.6", "ocpp2.0.1"]);
  assert.equal(negotiateProtocol(parseProtocolHeader("ocpp2.0.1,ocpp1.6")), "ocpp2.0.1");
});
