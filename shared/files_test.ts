import assert from "node:assert/strict";
import { firmwareUrl, MAX_FILE_BYTES, newFileToken, safeFileName, tooLarge, uploadUrl } from "./files.ts";

Deno.test("files: names keep their last segment, without quotes or control characters", () => {
  assert.equal(safeFileName("../../etc/passwd"), "passwd");
  assert.equal(safeFileName('C:\\fw\\a"b\n.bin'), "ab.bin");
  assert.equal(safeFileName(".."), "file");
  assert.equal(safeFileName(""), "file");
  assert.equal(safeFileName("x".repeat(500)).length, 200);
});

Deno.test("files: the size limit", () => {
  assert.equal(tooLarge(MAX_FILE_BYTES), undefined);
  assert.match(tooLarge(MAX_FILE_BYTES + 1) ?? "", /at most 8388608 bytes \(8 MiB\)/);
});

Deno.test("files: tokens are unguessable and URL-safe; the URLs", () => {
  const a = newFileToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, newFileToken());
  assert.equal(firmwareUrl("http://h:9", "t", "sim 2.bin"), "http://h:9/files/firmware/t/sim%202.bin");
  assert.equal(uploadUrl("https://h", "t"), "https://h/files/upload/t");
});
