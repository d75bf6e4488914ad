import assert from "node:assert/strict";
import {
  currentFirmwareStatus,
  type FirmwareEvent,
  type FirmwareJob,
  type FirmwareStatus,
  firmwareStep,
  retryPlan,
  scheduleFirmware,
} from "./firmware_job.ts";

/** Runs a job through `events`, collecting every status reported and the last action. */
function run(job: FirmwareJob, events: FirmwareEvent[], now = 0) {
  let s = scheduleFirmware(job, now);
  const statuses: FirmwareStatus[] = [...s.notify];
  const actions = [s.action.type];
  for (const e of events) {
    s = firmwareStep(job, s.state, e);
    statuses.push(...s.notify);
    actions.push(s.action.type);
  }
  return { statuses, actions, state: s.state };
}

const plain = (retries = 0): FirmwareJob => ({
  signed: false,
  retrieveAtMs: 1000,
  plan: retryPlan(retries, 5),
});

Deno.test("firmware: a plan from the request: retries more attempts, retryInterval seconds apart", () => {
  assert.deepEqual(retryPlan(3, 10), { attempts: 4, intervalMs: 10_000 });
  assert.deepEqual(retryPlan(undefined, undefined), { attempts: 1, intervalMs: 30_000 });
  assert.deepEqual(retryPlan(-2, 0), { attempts: 1, intervalMs: 0 });
});

Deno.test("firmware: waits for the retrieve date, then Downloading → Downloaded → Installing → Installed, reboot", () => {
  const first = scheduleFirmware(plain(), 400);
  assert.deepEqual(first.action, { type: "wait", ms: 600 });
  assert.deepEqual(first.notify, []);
  const r = run(plain(), [{ type: "due" }, { type: "downloaded" }, { type: "checked", ok: true }, {
    type: "installed",
  }]);
  assert.deepEqual(r.statuses, ["Downloading", "Downloaded", "Installing", "Installed"]);
  assert.deepEqual(r.actions, ["wait", "download", "check", "install", "reboot"]);
  assert.equal(r.state.phase, "done");
  assert.equal(currentFirmwareStatus(r.state), "Idle");
});

Deno.test("firmware: a retrieve date in the past starts at once", () => {
  assert.deepEqual(scheduleFirmware(plain(), 5000).action, { type: "wait", ms: 0 });
});

Deno.test("firmware: failed downloads are retried `retries` times, then DownloadFailed once", () => {
  const failed = [{ type: "due" }, { type: "download-failed" }] as FirmwareEvent[];
  const r = run(plain(2), [...failed, ...failed, ...failed]);
  assert.deepEqual(r.statuses, ["Downloading", "Downloading", "Downloading", "DownloadFailed"]);
  assert.deepEqual(r.actions, ["wait", "download", "wait", "download", "wait", "download", "none"]);
  assert.equal(r.state.attempt, 3);
  // After the last failure nothing more happens.
  assert.deepEqual(firmwareStep(plain(2), r.state, { type: "due" }).notify, []);
});

Deno.test("firmware: a retry that succeeds goes on to install", () => {
  const r = run(plain(1), [
    { type: "due" },
    { type: "download-failed" },
    { type: "due" },
    { type: "downloaded" },
    { type: "checked", ok: true },
  ]);
  assert.deepEqual(r.statuses, ["Downloading", "Downloading", "Downloaded", "Installing"]);
  assert.equal(currentFirmwareStatus(r.state), "Installing");
});

Deno.test("firmware: an image that fails its check is InstallationFailed, and no reboot", () => {
  const r = run(plain(), [{ type: "due" }, { type: "downloaded" }, { type: "checked", ok: false }]);
  assert.deepEqual(r.statuses, ["Downloading", "Downloaded", "InstallationFailed"]);
  assert.equal(r.actions.at(-1), "none");
});

Deno.test("firmware: a signed update adds DownloadScheduled, SignatureVerified and InstallRebooting", () => {
  const job: FirmwareJob = { signed: true, requestId: 7, retrieveAtMs: 1000, plan: retryPlan(0, 1) };
  const r = run(job, [{ type: "due" }, { type: "downloaded" }, { type: "checked", ok: true }, {
    type: "installed",
  }]);
  assert.deepEqual(r.statuses, [
    "DownloadScheduled",
    "Downloading",
    "Downloaded",
    "SignatureVerified",
    "Installing",
    "Installed",
    "InstallRebooting",
  ]);
  const bad = run(job, [{ type: "due" }, { type: "downloaded" }, { type: "checked", ok: false }]);
  assert.equal(bad.statuses.at(-1), "InvalidSignature");
});

Deno.test("firmware: events out of order change nothing; no job is Idle", () => {
  const s = scheduleFirmware(plain(), 0).state;
  assert.deepEqual(firmwareStep(plain(), s, { type: "installed" }).state, s);
  assert.equal(currentFirmwareStatus(undefined), "Idle");
});
