/**
 * The REST API's OpenAPI document, as anyone fetches it from the portal (in memory,
 * web/testing/app_harness.ts), checked by an independent
 * validator (@apidevtools/swagger-parser: the OpenAPI 3.0 schema, then its own rules such as path
 * parameters being declared and required), so a route that breaks the document fails here.
 */
import assert from "node:assert/strict";
import SwaggerParser from "@apidevtools/swagger-parser";
import { type Json, startApp } from "../testing/app_harness.ts";

/** Every object in `value` (depth first), with the JSON pointer to it. */
function* objects(value: unknown, pointer = ""): Generator<[string, Record<string, unknown>]> {
  if (value === null || typeof value !== "object") return;
  yield [pointer, value as Record<string, unknown>];
  for (const [key, child] of Object.entries(value)) {
    yield* objects(child, `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
  }
}

Deno.test("OpenAPI: /api/v1/openapi.json is a valid OpenAPI 3.0 document", async (t) => {
  const sys = await startApp();
  try {
    // Public, as the sign-in page's API link needs it: no session.
    const res = await sys.fetch("/api/v1/openapi.json");
    assert.equal(res.status, 200);
    const doc: Json = await res.json();
    assert.match(doc.openapi, /^3\.0\.\d+$/);

    await t.step("the validator accepts the whole document", async () => {
      try {
        await SwaggerParser.validate(structuredClone(doc));
      } catch (err) {
        assert.fail(`the OpenAPI document is invalid: ${(err as Error).message}`);
      }
    });

    await t.step("the validator would catch an optional path parameter (the bug it guards)", async () => {
      const broken = structuredClone(doc);
      const [param] = broken.paths["/api/v1/transactions/{id}"].get.parameters;
      assert.equal(param.in, "path");
      assert.equal(param.required, true);
      param.required = false;
      await assert.rejects(SwaggerParser.validate(broken), /required/);
    });

    // The validators do not read patterns; a client that does must be able to use them.
    await t.step("every pattern is a regular expression that matches its own example", () => {
      let checked = 0;
      for (const [pointer, node] of objects(doc)) {
        if (typeof node.pattern !== "string") continue;
        let re: RegExp;
        try {
          re = new RegExp(node.pattern, "u");
        } catch (err) {
          assert.fail(`${pointer}: pattern ${node.pattern} is not a regular expression: ${err}`);
        }
        if (typeof node.example === "string") {
          assert.match(node.example, re, `${pointer}: the example matches the pattern`);
          checked++;
        }
      }
      assert.ok(checked > 0, "some pattern has an example to check");
    });

    await t.step("integer parameters are required in paths, never nullable, and enforced", async () => {
      for (const [path, item] of Object.entries<Json>(doc.paths)) {
        for (const [method, op] of Object.entries<Json>(item)) {
          for (const p of op.parameters ?? []) {
            const where = `${method.toUpperCase()} ${path} ${p.in} ${p.name}`;
            if (p.in === "path") assert.equal(p.required, true, where);
            assert.notEqual(p.schema?.nullable, true, `${where} is not nullable`);
          }
        }
      }
      const session = await sys.login();
      const status = async (path: string) => (await session.json("GET", `/api/v1${path}`)).status;
      assert.equal(await status("/transactions/1"), 404);
      assert.equal(await status("/transactions/0"), 400, "ids start at 1, as the document says");
      assert.equal(await status("/transactions?limit="), 400, "an empty number is not 0");
      assert.equal(await status("/transactions?limit=2&offset=0"), 200);
    });
    await t.step("signing in needs no credentials; every other operation asks for them", () => {
      assert.deepEqual(doc.paths["/api/v1/session"].post.security, [], "POST /session is open");
      const open: string[] = [];
      for (const [path, item] of Object.entries<Json>(doc.paths)) {
        for (const [method, op] of Object.entries<Json>(item)) {
          const security = op.security ?? doc.security;
          if (!security || security.length === 0) open.push(`${method.toUpperCase()} ${path}`);
        }
      }
      assert.deepEqual(open, ["POST /api/v1/session"]);
    });
  } finally {
    await sys.close();
  }
});
