import assert from "node:assert/strict";
import { validatePayload } from "../shared/ocpp/mod.ts";
import { coreConfiguration } from "./config_store.ts";

Deno.test("config: GetConfiguration with no keys lists every Core key with its readonly flag", () => {
  const store = coreConfiguration({ connectors: 2 });
  const all = store.getConfiguration();
  assert.equal(validatePayload("ocpp1.6", "GetConfiguration", "response", all), undefined);
  const byKey = new Map(all.configurationKey!.map((k) => [k.key, k]));
  for (
    const key of [
      "HeartbeatInterval",
      "MeterValueSampleInterval",
      "MeterValuesSampledData",
      "AuthorizeRemoteTxRequests",
      "NumberOfConnectors",
      "ConnectionTimeOut",
      "StopTransactionOnEVSideDisconnect",
      "TransactionMessageAttempts",
      "SupportedFeatureProfiles",
    ]
  ) assert.ok(byKey.has(key), `${key} missing`);
  assert.deepEqual(byKey.get("NumberOfConnectors"), {
    key: "NumberOfConnectors",
    readonly: true,
    value: "2",
  });
  assert.equal(byKey.get("HeartbeatInterval")!.readonly, false);
  assert.equal(all.unknownKey, undefined);
});

Deno.test("config: GetConfiguration lists unknown keys apart and matches keys case-insensitively", () => {
  const store = coreConfiguration({ connectors: 1 });
  const res = store.getConfiguration(["heartbeatinterval", "NoSuchKey"]);
  assert.deepEqual(res, {
    configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }],
    unknownKey: ["NoSuchKey"],
  });
});

Deno.test("config: ChangeConfiguration accepts valid values, rejects readonly and bad ones, NotSupported for unknown", () => {
  const store = coreConfiguration({ connectors: 1 });
  const heard: string[] = [];
  store.onChange((k, v) => heard.push(`${k}=${v}`));
  assert.equal(store.change("HeartbeatInterval", "42"), "Accepted");
  assert.equal(store.getInt("HeartbeatInterval"), 42);
  assert.equal(store.change("NumberOfConnectors", "5"), "Rejected");
  assert.equal(store.change("HeartbeatInterval", "soon"), "Rejected");
  assert.equal(store.change("HeartbeatInterval", "-1"), "Rejected");
  assert.equal(store.change("HeartbeatInterval", "0"), "Rejected");
  assert.equal(store.change("AuthorizeRemoteTxRequests", "TRUE"), "Accepted");
  assert.equal(store.get("AuthorizeRemoteTxRequests"), "true");
  assert.equal(store.change("AuthorizeRemoteTxRequests", "yes"), "Rejected");
  assert.equal(store.change("FancyVendorKey", "1"), "NotSupported");
  assert.deepEqual(heard, ["HeartbeatInterval=42", "AuthorizeRemoteTxRequests=true"]);
});

Deno.test("config: measurand lists accept only what the meter can sample, up to the max length", () => {
  const store = coreConfiguration({ connectors: 1 });
  assert.equal(store.change("MeterValuesSampledData", "soc, energy.active.import.register"), "Accepted");
  assert.deepEqual(store.getList("MeterValuesSampledData"), ["SoC", "Energy.Active.Import.Register"]);
  assert.equal(store.change("MeterValuesSampledData", "Temperature"), "Rejected");
  assert.equal(store.change("StopTxnSampledData", ""), "Accepted");
  assert.deepEqual(store.getList("StopTxnSampledData"), []);
  const eight = Array(8).fill("SoC").join(",");
  assert.equal(store.change("MeterValuesSampledData", eight), "Rejected");
});

Deno.test("config: set() lets the charge point itself change readonly keys but not store invalid values", () => {
  const store = coreConfiguration({ connectors: 1 });
  assert.equal(store.set("MeterValueSampleInterval", "1"), undefined);
  assert.equal(store.getInt("MeterValueSampleInterval"), 1);
  assert.match(store.set("HeartbeatInterval", "x")!, /invalid value for HeartbeatInterval/);
  assert.match(store.set("Nope", "1")!, /unknown configuration key Nope/);
});

Deno.test("config: AuthorizationKey is write-only and must follow the whitepaper's rules", () => {
  const store = coreConfiguration({ connectors: 1 });
  const key = "New-Key_0123456789abcdef";
  assert.equal(store.change("authorizationkey", "too-short"), "Rejected");
  assert.equal(store.change("AuthorizationKey", "has a space 0123456789"), "Rejected");
  assert.equal(store.get("AuthorizationKey"), "");
  assert.equal(store.change("AuthorizationKey", key), "Accepted");
  assert.equal(store.get("AuthorizationKey"), key);
  // Readable by the charge point, never by the central system.
  const res = store.getConfiguration(["AuthorizationKey"]);
  assert.deepEqual(res, { configurationKey: [{ key: "AuthorizationKey", readonly: false }] });
  assert.equal(validatePayload("ocpp1.6", "GetConfiguration", "response", res), undefined);
  assert.ok(!JSON.stringify(store.getConfiguration()).includes(key));
});
