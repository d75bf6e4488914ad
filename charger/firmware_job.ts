/**
 * The simulator's firmware update as a state machine (OCPP 1.6 §5.19 UpdateFirmware and the security
 * extension's SignedUpdateFirmware), free of I/O: firmware_update.ts feeds it what happened (the
 * retrieve date came, a download finished or failed, the image was checked) and does what it answers.
 *
 * The statuses follow the spec's order: Downloading → Downloaded → Installing → Installed, then a reboot.
 * A failed download is tried again after `retryInterval` while `retries` last; every attempt starts with
 * Downloading, and DownloadFailed is reported once, when the last attempt has failed. A signed update adds
 * DownloadScheduled (while waiting for the retrieve date), SignatureVerified or InvalidSignature (after the
 * download) and InstallRebooting (before the reboot).
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";

export type FirmwareStatus = Ocpp16.SignedFirmwareStatusNotificationRequest["status"];

/** The download's retries, from the request: `retries` more attempts after the first, `retryInterval` s apart. */
export interface RetryPlan {
  attempts: number;
  intervalMs: number;
}

/** When a request gives no retryInterval, the charger's own choice. */
export const DEFAULT_RETRY_INTERVAL_S = 30;

export function retryPlan(retries: number | undefined, retryIntervalS: number | undefined): RetryPlan {
  return {
    attempts: 1 + Math.max(0, Math.floor(retries ?? 0)),
    intervalMs: Math.max(0, retryIntervalS ?? DEFAULT_RETRY_INTERVAL_S) * 1000,
  };
}

export interface FirmwareJob {
  signed: boolean;
  /** SignedUpdateFirmware's requestId, echoed in each notification. */
  requestId?: number;
  retrieveAtMs: number;
  plan: RetryPlan;
}

export type FirmwarePhase = "scheduled" | "downloading" | "retry-wait" | "installing" | "done";

export interface FirmwareState {
  phase: FirmwarePhase;
  /** The last status reported; Idle before the first. */
  status: FirmwareStatus;
  /** Attempts made so far. */
  attempt: number;
}

export type FirmwareEvent =
  | { type: "due" }
  | { type: "downloaded" }
  | { type: "download-failed" }
  /** The image's check before installing: a signature for a signed update, the image's sanity otherwise. */
  | { type: "checked"; ok: boolean }
  | { type: "installed" };

export type FirmwareAction =
  | { type: "wait"; ms: number }
  | { type: "download" }
  | { type: "check" }
  | { type: "install" }
  | { type: "reboot" }
  | { type: "none" };

export interface FirmwareStep {
  state: FirmwareState;
  /** Statuses to report, in order. */
  notify: FirmwareStatus[];
  action: FirmwareAction;
}

/** The job as accepted: it waits for its retrieve date. */
export function scheduleFirmware(job: FirmwareJob, nowMs: number): FirmwareStep {
  const waitMs = Math.max(0, job.retrieveAtMs - nowMs);
  const notify: FirmwareStatus[] = job.signed && waitMs > 0 ? ["DownloadScheduled"] : [];
  return {
    state: { phase: "scheduled", status: notify.at(-1) ?? "Idle", attempt: 0 },
    notify,
    action: { type: "wait", ms: waitMs },
  };
}

function step(state: FirmwareState, phase: FirmwarePhase, notify: FirmwareStatus[], action: FirmwareAction) {
  return { state: { ...state, phase, status: notify.at(-1) ?? state.status }, notify, action };
}

/** What the job does next after `event`; an event that does not fit the phase changes nothing. */
export function firmwareStep(job: FirmwareJob, state: FirmwareState, event: FirmwareEvent): FirmwareStep {
  const unchanged = { state, notify: [], action: { type: "none" } } as FirmwareStep;
  switch (event.type) {
    case "due":
      if (state.phase !== "scheduled" && state.phase !== "retry-wait") return unchanged;
      return {
        ...step(state, "downloading", ["Downloading"], { type: "download" }),
        state: { phase: "downloading", status: "Downloading", attempt: state.attempt + 1 },
      };
    case "download-failed":
      if (state.phase !== "downloading") return unchanged;
      if (state.attempt < job.plan.attempts) {
        return step(state, "retry-wait", [], { type: "wait", ms: job.plan.intervalMs });
      }
      return step(state, "done", ["DownloadFailed"], { type: "none" });
    case "downloaded":
      if (state.phase !== "downloading") return unchanged;
      return step(state, "installing", ["Downloaded"], { type: "check" });
    case "checked":
      if (state.phase !== "installing") return unchanged;
      if (!event.ok) {
        return step(state, "done", [job.signed ? "InvalidSignature" : "InstallationFailed"], {
          type: "none",
        });
      }
      return step(
        state,
        "installing",
        [...(job.signed ? ["SignatureVerified" as const] : []), "Installing"],
        {
          type: "install",
        },
      );
    case "installed":
      if (state.phase !== "installing") return unchanged;
      return step(state, "done", job.signed ? ["Installed", "InstallRebooting"] : ["Installed"], {
        type: "reboot",
      });
  }
}

/**
 * What a triggered status notification reports: the job's status while it runs, Idle otherwise (1.6
 * errata: Idle only when not busy with a firmware update).
 */
export function currentFirmwareStatus(state: FirmwareState | undefined): FirmwareStatus {
  return state && state.phase !== "done" ? state.status : "Idle";
}

/** The statuses a 1.6 FirmwareStatusNotification can carry (the signed ones are the security extension's). */
export const FIRMWARE_STATUSES_16: ReadonlySet<string> = new Set<
  Ocpp16.FirmwareStatusNotificationRequest["status"]
>(
  ["Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed", "Installing", "Installed"],
);
