import assert from "node:assert/strict";
import { loadWebConfig, WebConfigError } from "./config.ts";

Deno.test("web config: defaults", () => {
  assert.deepEqual(loadWebConfig({}), { host: "127.0.0.1", port: 8000 });
});

Deno.test("web config: WEB_PORT and HOST are read", () => {
  assert.deepEqual(loadWebConfig({ WEB_PORT: "0", HOST: "0.0.0.0" }), { host: "0.0.0.0", port: 0 });
  assert.deepEqual(loadWebConfig({ WEB_PORT: " 8080 " }), { host: "127.0.0.1", port: 8080 });
});

Deno.test("web config: a bad WEB_PORT is refused with a one-line message naming it", () => {
  for (const bad of ["http", "-1", "65536", "80.5", "1e3"]) {
    assert.throws(() => loadWebConfig({ WEB_PORT: bad }), (err: unknown) => {
      assert.ok(err instanceof WebConfigError);
      assert.match(err.message, /^WEB_PORT must be a port number/);
      assert.ok(!err.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("web config: a HOST with a slash or space is refused", () => {
  assert.throws(() => loadWebConfig({ HOST: "http://x" }), WebConfigError);
  assert.throws(() => loadWebConfig({ HOST: "a b" }), WebConfigError);
});
