import assert from "node:assert/strict";
import { retryPlan } from "./firmware_job.ts";
import {
  currentUploadStatus,
  UPLOAD_START,
  type UploadEvent,
  type UploadKind,
  uploadStep,
} from "./upload_job.ts";

function run(kind: UploadKind, retries: number, events: UploadEvent["type"][]) {
  const plan = retryPlan(retries, 2);
  let state = UPLOAD_START;
  const statuses: string[] = [];
  const actions: string[] = [];
  for (const type of events) {
    const s = uploadStep(kind, plan, state, { type });
    state = s.state;
    statuses.push(...s.notify);
    actions.push(s.action.type);
  }
  return { statuses, actions, state };
}

Deno.test("upload: Uploading → Uploaded", () => {
  const r = run("diagnostics", 0, ["attempt", "uploaded"]);
  assert.deepEqual(r.statuses, ["Uploading", "Uploaded"]);
  assert.deepEqual(r.actions, ["upload", "none"]);
  assert.equal(currentUploadStatus(r.state), "Idle");
});

Deno.test("upload: retried after retryInterval, then the kind's failure status once", () => {
  const r = run("diagnostics", 1, ["attempt", "failed", "attempt", "failed"]);
  assert.deepEqual(r.statuses, ["Uploading", "Uploading", "UploadFailed"]);
  assert.deepEqual(r.actions, ["upload", "wait", "upload", "none"]);
  assert.equal(run("log", 0, ["attempt", "failed"]).statuses.at(-1), "UploadFailure");
});

Deno.test("upload: a triggered status is the running upload's, Idle before and after", () => {
  assert.equal(currentUploadStatus(undefined), "Idle");
  assert.equal(currentUploadStatus(UPLOAD_START), "Idle");
  assert.equal(currentUploadStatus(run("diagnostics", 0, ["attempt"]).state), "Uploading");
  // Waiting for a retry is still busy uploading.
  assert.equal(currentUploadStatus(run("diagnostics", 1, ["attempt", "failed"]).state), "Uploading");
});

Deno.test("upload: events out of order change nothing", () => {
  const s = uploadStep("log", retryPlan(0, 0), UPLOAD_START, { type: "uploaded" });
  assert.deepEqual(s.state, UPLOAD_START);
  assert.deepEqual(s.notify, []);
});
