import assert from "node:assert/strict";
import type { BusEvent } from "../../shared/events.ts";
import { formatBytes, statusLines, statusTone, transfersMayHaveChanged } from "./transfers.ts";

Deno.test("transfers: a transfer event re-reads, others do not", () => {
  const at = "2026-01-01T00:00:00Z";
  assert.equal(
    transfersMayHaveChanged({
      type: "charger.transfer",
      chargerId: "CP",
      at,
      kind: "firmware",
      status: "Downloading",
    }),
    true,
  );
  assert.equal(
    transfersMayHaveChanged({ type: "charger.heartbeat", chargerId: "CP", at } as BusEvent),
    false,
  );
});

Deno.test("transfers: statuses read as progress, done or failed; sizes in binary units", () => {
  assert.equal(statusTone("Downloading"), "tone-warn");
  assert.equal(statusTone("Installed"), "tone-ok");
  assert.equal(statusTone("DownloadFailed"), "tone-err");
  assert.equal(statusTone("UploadFailure"), "tone-err");
  assert.equal(statusTone("InvalidSignature"), "tone-err");
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(300_000), "293.0 KiB");
  assert.equal(formatBytes(8 * 1024 * 1024), "8.0 MiB");
  const at = "t";
  assert.deepEqual(
    statusLines([
      { kind: "log", status: "Uploaded", updatedAt: at },
      { kind: "firmware", status: "Installed", updatedAt: at },
    ]).map((s) => s.kind),
    ["firmware", "log"],
  );
});
