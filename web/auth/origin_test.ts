import assert from "node:assert/strict";
import { safeNext } from "./http.ts";
import { isAllowedOrigin, ownOrigin, parseOrigin } from "./origin.ts";

Deno.test("origin: ALLOWED_ORIGINS entries are origins, normalised", () => {
  assert.equal(parseOrigin("https://ops.example.com"), "https://ops.example.com");
  assert.equal(parseOrigin(" HTTPS://Ops.Example.com:443/ "), "https://ops.example.com");
  assert.equal(parseOrigin("http://localhost:5173"), "http://localhost:5173");
  for (
    const bad of ["ops.example.com", "https://x/y", "https://x?q", "wss://x", "https://u:p@x", "null", ""]
  ) {
    assert.equal(parseOrigin(bad), undefined, bad);
  }
});

Deno.test("origin: allowed are the portal's own origin and the allowed list, nothing else", () => {
  const own = ownOrigin(false, "127.0.0.1:8000");
  assert.equal(own, "http://127.0.0.1:8000");
  assert.equal(ownOrigin(true, "portal.example"), "https://portal.example");
  assert.equal(ownOrigin(false, undefined), undefined);
  const allowed = ["https://front.example"];
  assert.equal(isAllowedOrigin("http://127.0.0.1:8000", own, allowed), true);
  assert.equal(isAllowedOrigin("https://front.example", own, allowed), true);
  assert.equal(isAllowedOrigin("https://front.example:443", own, allowed), true);
  assert.equal(isAllowedOrigin("https://127.0.0.1:8000", own, allowed), false, "another scheme");
  assert.equal(isAllowedOrigin("http://127.0.0.1:8001", own, allowed), false, "another port");
  assert.equal(isAllowedOrigin("http://evil.example", own, allowed), false);
  assert.equal(isAllowedOrigin("null", own, allowed), false);
  assert.equal(isAllowedOrigin("garbage", own, allowed), false);
  assert.equal(isAllowedOrigin("http://127.0.0.1:8000", undefined, []), false);
});

Deno.test("origin: after signing in, only a local path is a place to return to", () => {
  assert.equal(safeNext("/chargers/CP-1?x=1"), "/chargers/CP-1?x=1");
  for (
    const bad of [
      undefined,
      null,
      "",
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "javascript:x",
      "/a\nb",
    ]
  ) {
    assert.equal(safeNext(bad), "/", String(bad));
  }
});
