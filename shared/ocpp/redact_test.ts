import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_KEY_LENGTH, MIN_KEY_LENGTH } from "./authorization_key.ts";
import {
  MAX_DEPTH,
  mayHoldSecret,
  REDACTED,
  redactFrameText,
  redactTextByPattern,
  redactValue,
} from "./redact.ts";

const KEY = "Rotated-Key_0123456789abcdef";
const PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const PEM_KEY = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkVsecretsecret\n-----END EC PRIVATE KEY-----\n";

const frame = (...parts: unknown[]) => JSON.stringify(parts);

Deno.test("redact: 1.6 ChangeConfiguration AuthorizationKey keeps the key name and loses the value", () => {
  const text = frame(2, "m1", "ChangeConfiguration", { key: "AuthorizationKey", value: KEY });
  const r = redactFrameText(text);
  assert.deepEqual(JSON.parse(r.value), [2, "m1", "ChangeConfiguration", {
    key: "AuthorizationKey",
    value: REDACTED,
  }]);
  assert.deepEqual(r.secrets, [KEY]);
  // A CiString: any case is the same key.
  const lower = redactFrameText(
    frame(2, "m2", "ChangeConfiguration", { key: "authorizationkey", value: KEY }),
  );
  assert.ok(!lower.value.includes(KEY));
});

Deno.test("redact: other configuration keys and ordinary frames come back as they are, the same string", () => {
  const texts = [
    frame(2, "m1", "ChangeConfiguration", { key: "HeartbeatInterval", value: "60" }),
    frame(2, "m2", "Heartbeat", {}),
    frame(3, "m2", { currentTime: "2025-01-01T00:00:00.000Z" }),
    frame(2, "m3", "MeterValues", {
      connectorId: 1,
      meterValue: [{ timestamp: "2025-01-01T00:00:00Z", sampledValue: [{ value: "12.5" }] }],
    }),
    '[2, "m4", "Authorize", {"idTag": "TAG"}]',
    "<binary frame, 12 bytes>",
  ];
  for (const text of texts) {
    for (const json of [false, true]) {
      const r = redactFrameText(text, { json });
      assert.equal(r.value, text);
      assert.deepEqual(r.secrets, []);
    }
  }
  // The cheap test spares ordinary frames a second parse.
  assert.equal(mayHoldSecret(texts[3]), false);
  assert.equal(mayHoldSecret(texts[0]), false);
  assert.equal(
    mayHoldSecret(frame(2, "m1", "ChangeConfiguration", { key: "AuthorizationKey", value: KEY })),
    true,
  );
});

Deno.test("redact: a GetConfiguration answer that echoes AuthorizationKey loses only that value", () => {
  const text = frame(3, "m1", {
    configurationKey: [
      { key: "AuthorizationCacheEnabled", readonly: false, value: "true" },
      { key: "AuthorizationKey", readonly: false, value: KEY },
    ],
    unknownKey: ["Foo"],
  });
  const payload = JSON.parse(redactFrameText(text).value)[2];
  assert.deepEqual(payload.configurationKey, [
    { key: "AuthorizationCacheEnabled", readonly: false, value: "true" },
    { key: "AuthorizationKey", readonly: false, value: REDACTED },
  ]);
  assert.deepEqual(payload.unknownKey, ["Foo"]);
});

Deno.test("redact: 2.0.1 BasicAuthPassword in SetVariables, GetVariables and NotifyReport", () => {
  const set = redactValue({
    setVariableData: [
      { attributeValue: KEY, component: { name: "SecurityCtrlr" }, variable: { name: "BasicAuthPassword" } },
      { attributeValue: "60", component: { name: "OCPPCommCtrlr" }, variable: { name: "HeartbeatInterval" } },
    ],
  });
  assert.equal(set.value.setVariableData[0].attributeValue, REDACTED);
  assert.equal(set.value.setVariableData[1].attributeValue, "60");
  assert.deepEqual(set.secrets, [KEY]);

  const got = redactValue({
    getVariableResult: [{
      attributeStatus: "Accepted",
      attributeValue: KEY,
      component: { name: "SecurityCtrlr" },
      variable: { name: "BasicAuthPassword" },
    }],
  });
  assert.equal(got.value.getVariableResult[0].attributeValue, REDACTED);
  assert.equal(got.value.getVariableResult[0].attributeStatus, "Accepted");

  const report = redactValue({
    requestId: 1,
    reportData: [{
      component: { name: "SecurityCtrlr" },
      variable: { name: "BasicAuthPassword" },
      variableAttribute: [{ type: "Actual", value: KEY, mutability: "WriteOnly" }],
    }],
  });
  assert.deepEqual(report.value.reportData[0].variableAttribute, [
    { type: "Actual", value: REDACTED, mutability: "WriteOnly" },
  ]);
});

Deno.test("redact: 2.0.1 SetNetworkProfile's VPN and APN secrets; a configuration key named key stays", () => {
  const r = redactValue({
    configurationSlot: 1,
    connectionData: {
      ocppCsmsUrl: "wss://csms.example/ocpp",
      securityProfile: 2,
      vpn: {
        server: "vpn.example",
        user: "cp1",
        password: "vpn-password-1",
        key: "vpn-psk-123456",
        type: "IPSec",
      },
      apn: { apn: "internet", apnPassword: "apn-password-1", simPin: 1234, apnAuthentication: "CHAP" },
    },
  });
  const c = r.value.connectionData;
  assert.deepEqual(c.vpn, {
    server: "vpn.example",
    user: "cp1",
    password: REDACTED,
    key: REDACTED,
    type: "IPSec",
  });
  assert.deepEqual(c.apn, {
    apn: "internet",
    apnPassword: REDACTED,
    simPin: REDACTED,
    apnAuthentication: "CHAP",
  });
  assert.equal(c.ocppCsmsUrl, "wss://csms.example/ocpp");
  assert.deepEqual([...r.secrets].sort(), ["apn-password-1", "vpn-password-1", "vpn-psk-123456"]);
  assert.deepEqual(redactValue({ key: "MeterValueSampleInterval", value: "10" }).value, {
    key: "MeterValueSampleInterval",
    value: "10",
  });
});

Deno.test("redact: a PEM private key goes wherever it is; the certificates beside it stay", () => {
  const installed = { certificateType: "CentralSystemRootCertificate", certificate: PEM_CERT };
  assert.equal(redactValue(installed).value, installed, "a certificate alone is public");
  const signed = redactValue({ certificateChain: PEM_CERT + PEM_KEY + PEM_CERT });
  assert.equal(
    signed.value.certificateChain,
    `${PEM_CERT}-----BEGIN EC PRIVATE KEY-----${REDACTED}-----END EC PRIVATE KEY-----\n${PEM_CERT}`,
  );
  const text = frame(2, "m1", "DataTransfer", { vendorId: "X", data: `key: ${PEM_KEY}` });
  assert.ok(!redactFrameText(text).value.includes("secretsecret"));
});

Deno.test("redact: Authorization header values, as a property or as a whole string", () => {
  const r = redactValue({
    headers: { Authorization: "Basic dXNlcjpwYXNzd29yZA==", accept: "*/*" },
    note: "Bearer abcdefghijklmnop",
    prose: "Basic charging only",
  });
  assert.deepEqual(r.value, {
    headers: { Authorization: REDACTED, accept: "*/*" },
    note: `Bearer ${REDACTED}`,
    prose: "Basic charging only",
  });
});

Deno.test("redact: text that is not JSON is redacted by pattern, to its end when it is cut short", () => {
  const cases = [
    // cut inside the value
    `[2,"m1","ChangeConfiguration",{"key":"AuthorizationKey","value":"${KEY.slice(0, 20)}`,
    // the value first, then a syntax error
    `[2,"m1","ChangeConfiguration",{"value":"${KEY}","key":"AuthorizationKey",}]`,
    `[2,"m1","SetVariables",{"setVariableData":[{"attributeValue":"${KEY}","variable":{"name":"BasicAuthPassword"}]`,
    `{"vpn":{"server":"s","user":"u","key":"${KEY}","password":"${KEY}"`,
    `{"password": ${JSON.stringify(KEY)} oops`,
    `[2,"m1","CertificateSigned",{"certificateChain":"${PEM_KEY.replace(/\n/g, "\\n").slice(0, 60)}`,
    `Authorization: Basic ${btoa(`cp:${KEY}`)} trailing`,
  ];
  for (const text of cases) {
    const r = redactFrameText(text);
    assert.ok(!r.value.includes(KEY.slice(0, 20)), r.value);
    assert.ok(!r.value.includes("MHcCAQEEIBkV"), r.value);
    assert.ok(!r.value.includes(btoa(`cp:${KEY}`)), r.value);
    assert.ok(r.value.includes(REDACTED), r.value);
  }
  assert.deepEqual(redactTextByPattern(cases[1]).secrets, [KEY]);
  // Broken answers lose every value (which one is the secret cannot be told); a broken reading keeps its.
  const answer = redactFrameText(`[3,"m1",{"configurationKey":[{"key":"A","value":"v1"},{"value":"${KEY}`);
  assert.equal(answer.value, `[3,"m1",{"configurationKey":[{"key":"A","value":"***"},{"value":"***"`);
  const reading = `[2,"m2","MeterValues",{"connectorId":1,"meterValue":[{"sampledValue":[{"value":"12.5"}]`;
  assert.equal(redactFrameText(reading).value, reading);
});

Deno.test("redact: secrets sent in a CALL are found again when the answer echoes them", () => {
  const sent = redactFrameText(
    frame(2, "m1", "ChangeConfiguration", { key: "AuthorizationKey", value: KEY }),
  );
  const answer = frame(4, "m1", "PropertyConstraintViolation", `value ${KEY} is not allowed`, { got: KEY });
  assert.equal(redactFrameText(answer).value, answer, "nothing in it looks like a secret by itself");
  const r = redactFrameText(answer, { alsoHide: sent.secrets });
  assert.deepEqual(JSON.parse(r.value), [
    4,
    "m1",
    "PropertyConstraintViolation",
    `value ${REDACTED} is not allowed`,
    {
      got: REDACTED,
    },
  ]);
  // A short secret is not searched for as text: it would blank unrelated numbers.
  assert.equal(
    redactFrameText(frame(3, "m2", { n: "1234" }), { alsoHide: ["1234"] }).value,
    frame(3, "m2", { n: "1234" }),
  );
});

Deno.test("redact: the input is never changed, and __proto__ stays a plain property", () => {
  const input = JSON.parse(`{"__proto__":{"password":"${KEY}"},"key":"AuthorizationKey","value":"${KEY}"}`);
  const before = JSON.stringify(input);
  const r = redactValue(input);
  assert.equal(JSON.stringify(input), before);
  assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(r.value, "__proto__")?.value, { password: REDACTED });
  assert.equal(r.value.value, REDACTED);
});

Deno.test("redact: deep nesting neither overflows the stack nor hides a secret", () => {
  const deep = (n: number, inner: unknown) => {
    let v = inner;
    for (let i = 0; i < n; i++) v = { a: [v] };
    return v;
  };
  const shallow = redactValue(deep(10, { password: KEY }));
  assert.ok(!JSON.stringify(shallow.value).includes(KEY));
  const tooDeep = redactValue(deep(MAX_DEPTH, { password: KEY }));
  assert.ok(!JSON.stringify(tooDeep.value).includes(KEY));
  const text = "[".repeat(30_000) + JSON.stringify({ password: KEY }) + "]".repeat(30_000);
  assert.ok(!redactFrameText(text).value.includes(KEY));
});

Deno.test("redact: no AuthorizationKey survives a ChangeConfiguration frame cut anywhere (property)", () => {
  const keyChar = fc.constantFrom(..."ABCxyz0189*-_=:+|@.");
  fc.assert(
    fc.property(
      fc.array(keyChar, { minLength: MIN_KEY_LENGTH, maxLength: MAX_KEY_LENGTH }).map((a) => a.join("")),
      fc.boolean(),
      fc.nat(),
      (key, valueFirst, cut) => {
        const payload = valueFirst
          ? { value: key, key: "AuthorizationKey" }
          : { key: "AuthorizationKey", value: key };
        const text = frame(2, "m1", "ChangeConfiguration", payload);
        const at = cut % (text.length + 1);
        const shown = redactFrameText(text.slice(0, at)).value;
        assert.ok(!shown.includes(key), `${text.slice(0, at)} -> ${shown}`);
      },
    ),
  );
});

Deno.test("redact: a known frame's text is kept as it is unless it holds a word of a secret or one sent", () => {
  const answer = frame(3, "m9", { status: "Rejected", info: "bad key 0123456789abcdef" });
  assert.equal(mayHoldSecret(answer), false);
  assert.equal(mayHoldSecret(answer, []), false);
  assert.equal(mayHoldSecret(answer, ["fedcba9876543210"]), false);
  assert.equal(mayHoldSecret(answer, ["fedcba9876543210", "0123456789abcdef"]), true);
  const kept = redactFrameText(answer, { json: true, alsoHide: ["fedcba9876543210"] });
  assert.equal(kept.value, answer);
  assert.deepEqual(kept.secrets, []);
  const hidden = redactFrameText(answer, { json: true, alsoHide: ["0123456789abcdef"] });
  assert.equal(hidden.value.includes("0123456789abcdef"), false);
});
