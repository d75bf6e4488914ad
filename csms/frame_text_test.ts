import assert from "node:assert/strict";
import { cutText, FRAME_TEXT_LIMIT } from "./frame_text.ts";

Deno.test("frame text: short texts stay whole, long ones are cut and marked", () => {
  assert.equal(cutText("short", 10), "short");
  assert.equal(cutText("x".repeat(20), 10), `${"x".repeat(10)}…`);
  assert.equal(cutText("y".repeat(FRAME_TEXT_LIMIT + 1)).length, FRAME_TEXT_LIMIT + 1);
});
