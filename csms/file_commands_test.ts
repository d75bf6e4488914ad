import assert from "node:assert/strict";
import { completeFileCommand, type FileCommandDeps } from "./file_commands.ts";

function deps() {
  const opened: unknown[] = [];
  const d: FileCommandDeps = {
    files: {
      firmwareToken: (id) =>
        Promise.resolve(id === 3 ? { token: "T".repeat(43), name: "sim 2.0.bin" } : undefined),
      openUpload: (slot) => Promise.resolve(void opened.push(slot)),
    },
    baseUrl: () => "http://csms:9000",
    now: () => "2026-01-01T00:00:00.000Z",
  };
  return { d, opened };
}

Deno.test("file commands: UpdateFirmware with a kept file gets its URL, and the retrieve date now", async () => {
  const { d } = deps();
  assert.deepEqual(await completeFileCommand(d, "CP", "UpdateFirmware", { firmwareFileId: 3, retries: 2 }), {
    ok: true,
    payload: {
      retries: 2,
      location: `http://csms:9000/files/firmware/${"T".repeat(43)}/sim%202.0.bin`,
      retrieveDate: "2026-01-01T00:00:00.000Z",
    },
  });
  assert.deepEqual(await completeFileCommand(d, "CP", "UpdateFirmware", { firmwareFileId: 4 }), {
    ok: false,
    message: "UpdateFirmware: no firmware file 4 is kept (GET /api/v1/firmware lists them)",
  });
  assert.equal((await completeFileCommand(d, "CP", "UpdateFirmware", { firmwareFileId: "3" })).ok, false);
  // The operator's own location goes as it came.
  assert.deepEqual(await completeFileCommand(d, "CP", "UpdateFirmware", { location: "ftp://x/y" }), {
    ok: true,
  });
});

Deno.test("file commands: SignedUpdateFirmware keeps the signature and certificate", async () => {
  const { d } = deps();
  const r = await completeFileCommand(d, "CP", "SignedUpdateFirmware", {
    firmwareFileId: 3,
    requestId: 1,
    firmware: { signature: "c2ln", signingCertificate: "PEM", retrieveDateTime: "2027-01-01T00:00:00Z" },
  });
  assert.ok(r.ok);
  assert.deepEqual(r.payload?.firmware, {
    signature: "c2ln",
    signingCertificate: "PEM",
    retrieveDateTime: "2027-01-01T00:00:00Z",
    location: `http://csms:9000/files/firmware/${"T".repeat(43)}/sim%202.0.bin`,
  });
});

Deno.test("file commands: GetDiagnostics and GetLog without a location get a fresh upload URL each", async () => {
  const { d, opened } = deps();
  const a = await completeFileCommand(d, "CP", "GetDiagnostics", { retries: 1 });
  const b = await completeFileCommand(d, "CP", "GetDiagnostics", { location: "" });
  assert.ok(a.ok && b.ok);
  const la = a.payload?.location as string;
  assert.match(la, /^http:\/\/csms:9000\/files\/upload\/[A-Za-z0-9_-]{43}$/);
  assert.notEqual(la, b.payload?.location);
  // The slot opens only when committed (after the payload's checks).
  assert.equal(opened.length, 0);
  await a.commit!();
  assert.deepEqual(opened, [{
    token: la.split("/").at(-1),
    chargerId: "CP",
    kind: "diagnostics",
    at: "2026-01-01T00:00:00.000Z",
  }]);
  assert.deepEqual(await completeFileCommand(d, "CP", "GetDiagnostics", { location: "ftp://mine/" }), {
    ok: true,
  });

  const log = await completeFileCommand(d, "CP", "GetLog", { logType: "SecurityLog", log: {} });
  assert.ok(log.ok);
  assert.equal(typeof log.payload?.requestId, "number");
  assert.match((log.payload?.log as { remoteLocation: string }).remoteLocation, /\/files\/upload\//);
  await log.commit!();
  assert.equal((opened[1] as { kind: string }).kind, "log");
});
