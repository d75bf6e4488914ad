import assert from "node:assert/strict";
import { configurationUpdate } from "./configuration.ts";

const at = "2026-01-01T00:00:00.000Z";

Deno.test("configuration: a GetConfiguration of every key is the whole list; of some keys, an update", () => {
  const response = {
    configurationKey: [
      { key: "HeartbeatInterval", readonly: false, value: "300" },
      { key: "AuthorizationKey", readonly: false },
      { key: "NumberOfConnectors", readonly: true, value: "2" },
    ],
    unknownKey: ["Bogus"],
  };
  assert.deepEqual(configurationUpdate("GetConfiguration", {}, response, at), {
    complete: true,
    keys: [
      { key: "HeartbeatInterval", readonly: false, value: "300", updatedAt: at },
      { key: "AuthorizationKey", readonly: false, updatedAt: at },
      { key: "NumberOfConnectors", readonly: true, value: "2", updatedAt: at },
    ],
  });
  assert.equal(configurationUpdate("GetConfiguration", { key: [] }, response, at)?.complete, true);
  assert.equal(
    configurationUpdate("GetConfiguration", { key: ["HeartbeatInterval"] }, response, at)?.complete,
    false,
  );
});

Deno.test("configuration: an accepted change is kept, a refused one is not; a key's value never", () => {
  const change = { key: "HeartbeatInterval", value: "60" };
  assert.deepEqual(configurationUpdate("ChangeConfiguration", change, { status: "RebootRequired" }, at), {
    complete: false,
    keys: [{ key: "HeartbeatInterval", value: "60", readonly: false, updatedAt: at }],
  });
  assert.equal(configurationUpdate("ChangeConfiguration", change, { status: "Rejected" }, at), undefined);
  assert.equal(configurationUpdate("ChangeConfiguration", change, { status: "NotSupported" }, at), undefined);
  const secret = { key: "authorizationkey", value: "0123456789abcdef0123" };
  assert.deepEqual(configurationUpdate("ChangeConfiguration", secret, { status: "Accepted" }, at)?.keys, [
    { key: "authorizationkey", readonly: false, updatedAt: at },
  ]);
  // A lax charger that answers the key's value: not kept either.
  const lax = { configurationKey: [{ key: "AuthorizationKey", readonly: false, value: "leaked" }] };
  assert.deepEqual(configurationUpdate("GetConfiguration", {}, lax, at)?.keys, [
    { key: "AuthorizationKey", readonly: false, updatedAt: at },
  ]);
  assert.equal(configurationUpdate("Reset", {}, { status: "Accepted" }, at), undefined);
});
