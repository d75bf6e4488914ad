import assert from "node:assert/strict";
import { decideHandshake, type HandshakeInput, parseChargerId } from "./handshake.ts";

const ws = (pathname: string, protocols: string | null = "ocpp1.6"): HandshakeInput => ({
  method: "GET",
  pathname,
  upgrade: "websocket",
  protocols,
});

Deno.test("handshake: charge point ids", () => {
  assert.deepEqual(parseChargerId("CP-1"), { ok: true, id: "CP-1" });
  assert.deepEqual(parseChargerId("CP%201"), { ok: true, id: "CP 1" });
  assert.deepEqual(parseChargerId("%C3%A9"), { ok: true, id: "é" });
  assert.deepEqual(parseChargerId("x".repeat(48)), { ok: true, id: "x".repeat(48) });
  assert.deepEqual(parseChargerId("é".repeat(48)), { ok: true, id: "é".repeat(48) }, "characters, not bytes");
  for (const bad of ["", "x".repeat(49), "a:b", "a%3Ab", "%E0%A4%A", "%", "a%00b", "a%0Ab"]) {
    assert.equal(parseChargerId(bad).ok, false, bad);
  }
});

Deno.test("handshake: decisions", () => {
  assert.deepEqual(decideHandshake(ws("/ocpp/CP-1")), {
    kind: "accept",
    chargerId: "CP-1",
    protocol: "ocpp1.6",
  });
  // Offered both (in either order): 2.0.1, the CSMS's preference.
  for (const offered of ["ocpp2.0.1,ocpp1.6", "ocpp1.6, ocpp2.0.1", "ocpp2.0.1"]) {
    assert.deepEqual(decideHandshake(ws("/ocpp/CP-1", offered)), {
      kind: "accept",
      chargerId: "CP-1",
      protocol: "ocpp2.0.1",
    }, offered);
  }
  assert.deepEqual(decideHandshake(ws("/ocpp/CP-1", "ocpp2.1, ocpp1.6")), {
    kind: "accept",
    chargerId: "CP-1",
    protocol: "ocpp1.6",
  });
  assert.deepEqual(decideHandshake(ws("/ocpp/CP-1", "ocpp0.9, ocpp1.5")), {
    kind: "unsupported",
    chargerId: "CP-1",
    offered: ["ocpp0.9", "ocpp1.5"],
  });
  const status = (input: HandshakeInput) => {
    const d = decideHandshake(input);
    return d.kind === "refuse" ? d.status : d.kind;
  };
  assert.equal(status(ws("/ocpp/CP-1", null)), 400);
  assert.equal(status(ws("/ocpp/CP-1", " , ")), 400);
  assert.equal(status(ws("/ocpp/a:b")), 400);
  assert.equal(status(ws("/ocpp/a/b")), 400);
  assert.equal(status(ws("/ocpp/")), 400);
  assert.equal(status(ws("/other/CP-1")), 404);
  assert.equal(status(ws("/ocpp")), 404);
  assert.equal(status({ ...ws("/ocpp/CP-1"), upgrade: null }), 426);
  assert.equal(status({ ...ws("/ocpp/CP-1"), upgrade: "WebSocket" }), "accept");
  assert.equal(status({ ...ws("/ocpp/CP-1"), method: "POST" }), 405);
  const plain = decideHandshake({ ...ws("/ocpp/CP-1"), upgrade: null });
  assert.equal(plain.kind === "refuse" && plain.headers?.upgrade, "websocket");
});

Deno.test("handshake: a refusal names the charger and why once the path holds a valid id, else nobody", () => {
  const charger = (input: HandshakeInput) => {
    const d = decideHandshake(input);
    return d.kind === "refuse" ? d.charger : d.kind;
  };
  assert.deepEqual(charger(ws("/ocpp/CP-1", null)), { id: "CP-1", reason: "no-subprotocol" });
  assert.deepEqual(charger({ ...ws("/ocpp/CP%201"), upgrade: null }), {
    id: "CP 1",
    reason: "not-websocket",
  });
  assert.deepEqual(charger({ ...ws("/ocpp/CP-1"), method: "POST" }), { id: "CP-1", reason: "not-websocket" });
  for (const path of ["/ocpp/a:b", "/ocpp/a/b", "/ocpp/", "/other/CP-1", `/ocpp/${"x".repeat(49)}`]) {
    assert.equal(charger(ws(path)), undefined, path);
  }
});
