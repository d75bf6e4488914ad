/** The kept-files part of the storage contract, checked the same way on every engine. */
import assert from "node:assert/strict";
import type { CsmsStorage } from "../../shared/storage.ts";

const T1 = "2026-01-01T00:00:00.000Z";
const T2 = "2026-01-01T00:01:00.000Z";
const T3 = "2026-01-01T00:02:00.000Z";

export async function checkFilesContract(storage: CsmsStorage): Promise<void> {
  const files = storage.files;
  // Every byte value survives the round trip.
  const image = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
  const fw = await files.putFirmware({ name: "sim-2.0.bin", content: image, token: "tok-fw", at: T1 });
  assert.deepEqual({ ...fw, id: 0 }, {
    id: 0,
    kind: "firmware",
    name: "sim-2.0.bin",
    size: 70_000,
    sha256: fw.sha256,
    storedAt: T1,
  });
  assert.match(fw.sha256, /^[0-9a-f]{64}$/);
  const served = await files.firmwareByToken("tok-fw");
  assert.deepEqual(served?.file, fw);
  assert.deepEqual(served?.content, image);
  assert.equal(await files.firmwareByToken("tok-other"), undefined);
  assert.deepEqual(await files.firmwareToken(fw.id), { token: "tok-fw", name: "sim-2.0.bin" });
  assert.deepEqual(await storage.reads.listFirmware(), [fw]);

  // An upload slot is nothing to read until the charger fills it; a retry replaces the first upload.
  await files.openUpload({ token: "tok-up", chargerId: "CP-F", kind: "diagnostics", at: T1 });
  assert.deepEqual(await storage.reads.listUploads("CP-F"), []);
  assert.equal(await files.firmwareByToken("tok-up"), undefined);
  assert.equal(await files.firmwareToken(fw.id + 1), undefined);
  const text = new TextEncoder();
  const first = await files.receiveUpload("tok-up", "diag-a.txt", text.encode("first"), T2);
  assert.equal(first?.kind, "diagnostics");
  const second = await files.receiveUpload("tok-up", "diag-b.txt", text.encode("second try"), T3);
  assert.deepEqual(second, {
    id: first!.id,
    kind: "diagnostics",
    chargerId: "CP-F",
    name: "diag-b.txt",
    size: 10,
    sha256: second!.sha256,
    storedAt: T3,
  });
  assert.equal(await files.receiveUpload("tok-nope", "x", text.encode("x"), T3), undefined);
  // A firmware token is not an upload slot.
  assert.equal(await files.receiveUpload("tok-fw", "x", text.encode("x"), T3), undefined);
  assert.deepEqual((await files.firmwareByToken("tok-fw"))?.content, image);

  await files.openUpload({ token: "tok-log", chargerId: "CP-F", kind: "log", at: T3 });
  const log = await files.receiveUpload("tok-log", "log.txt", text.encode("log"), T3);
  assert.deepEqual((await storage.reads.listUploads("CP-F")).map((f) => [f.kind, f.name]), [
    ["log", "log.txt"],
    ["diagnostics", "diag-b.txt"],
  ]);
  assert.deepEqual(await storage.reads.listUploads("CP-OTHER"), []);
  const read = await storage.reads.fileContent(log!.id);
  assert.equal(new TextDecoder().decode(read?.content), "log");
  assert.deepEqual(read?.file, log);
  assert.equal(await storage.reads.fileContent(999_999), undefined);

  // The latest status of each kind of transfer, per charger.
  assert.deepEqual(await storage.reads.transferStatuses("CP-F"), []);
  await files.transferStatus("CP-F", { kind: "firmware", status: "Downloading", updatedAt: T1 });
  await files.transferStatus("CP-F", { kind: "firmware", status: "Installed", updatedAt: T2 });
  await files.transferStatus("CP-F", { kind: "log", status: "Uploaded", requestId: 4, updatedAt: T3 });
  await files.transferStatus("CP-OTHER", { kind: "diagnostics", status: "Uploading", updatedAt: T3 });
  assert.deepEqual(await storage.reads.transferStatuses("CP-F"), [
    { kind: "firmware", status: "Installed", updatedAt: T2 },
    { kind: "log", status: "Uploaded", requestId: 4, updatedAt: T3 },
  ]);
}
