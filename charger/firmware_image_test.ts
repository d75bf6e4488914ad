import assert from "node:assert/strict";
import { fileNameOf, firmwareVersionOf, installProblem } from "./firmware_image.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("firmware image: the version stated in the file wins, then the file name's, then the digest", () => {
  assert.equal(
    firmwareVersionOf("sim-2.1.0.bin", text("header\nversion: 3.0-rc1\n"), "ab".repeat(32)),
    "3.0-rc1",
  );
  assert.equal(firmwareVersionOf("sim-2.1.0.bin", text("VERSION=4.2\n"), "ab".repeat(32)), "4.2");
  assert.equal(firmwareVersionOf("sim-2.1.0.bin", text("no statement"), "ab".repeat(32)), "2.1.0");
  assert.equal(
    firmwareVersionOf("image.bin", new Uint8Array([0, 1, 2]), "0123456789abcdef"),
    "sha256-0123456789ab",
  );
  assert.equal(firmwareVersionOf("x", text(`version: ${"9".repeat(80)}`), "00").length, 50);
});

Deno.test("firmware image: the file name is the URL's last segment, decoded", () => {
  assert.equal(fileNameOf("http://h:1/firmware/tok/sim%202.0.bin"), "sim 2.0.bin");
  assert.equal(fileNameOf("http://h:1/"), "");
  assert.equal(fileNameOf("not a url"), "");
});

Deno.test("firmware image: empty or `install: fail` images do not install", () => {
  assert.match(installProblem(new Uint8Array()) ?? "", /empty/);
  assert.match(installProblem(text("version: 2\ninstall: fail\n")) ?? "", /install: fail/);
  assert.equal(installProblem(text("version: 2\n")), undefined);
});
