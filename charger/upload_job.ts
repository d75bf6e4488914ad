/**
 * The simulator's file uploads (GetDiagnostics, OCPP 1.6 §5.9; GetLog, the security extension) as a state
 * machine free of I/O: diagnostics_upload.ts runs it. Each attempt reports Uploading; a failed one is tried
 * again after the retry interval while retries last; the end is Uploaded, or the failure status once the
 * last attempt has failed (UploadFailed for diagnostics, UploadFailure for a log).
 */
import type { Ocpp16 } from "../shared/ocpp/mod.ts";
import type { RetryPlan } from "./firmware_job.ts";

export type DiagnosticsStatus = Ocpp16.DiagnosticsStatusNotificationRequest["status"];
export type LogStatus = Ocpp16.LogStatusNotificationRequest["status"];
export type UploadKind = "diagnostics" | "log";
export type UploadStatus = DiagnosticsStatus | LogStatus;

export interface UploadState {
  phase: "uploading" | "retry-wait" | "done";
  status: UploadStatus;
  attempt: number;
}

export type UploadEvent = { type: "attempt" } | { type: "uploaded" } | { type: "failed" };
export type UploadAction = { type: "upload" } | { type: "wait"; ms: number } | { type: "none" };

export interface UploadStep {
  state: UploadState;
  notify: UploadStatus[];
  action: UploadAction;
}

const FAILED: Record<UploadKind, UploadStatus> = { diagnostics: "UploadFailed", log: "UploadFailure" };

/** Before the first attempt. */
export const UPLOAD_START: UploadState = { phase: "retry-wait", status: "Idle", attempt: 0 };

export function uploadStep(
  kind: UploadKind,
  plan: RetryPlan,
  state: UploadState,
  event: UploadEvent,
): UploadStep {
  const unchanged: UploadStep = { state, notify: [], action: { type: "none" } };
  switch (event.type) {
    case "attempt":
      if (state.phase !== "retry-wait") return unchanged;
      return {
        state: { phase: "uploading", status: "Uploading", attempt: state.attempt + 1 },
        notify: ["Uploading"],
        action: { type: "upload" },
      };
    case "uploaded":
      if (state.phase !== "uploading") return unchanged;
      return {
        state: { ...state, phase: "done", status: "Uploaded" },
        notify: ["Uploaded"],
        action: { type: "none" },
      };
    case "failed":
      if (state.phase !== "uploading") return unchanged;
      if (state.attempt < plan.attempts) {
        return {
          state: { ...state, phase: "retry-wait" },
          notify: [],
          action: { type: "wait", ms: plan.intervalMs },
        };
      }
      return {
        state: { ...state, phase: "done", status: FAILED[kind] },
        notify: [FAILED[kind]],
        action: { type: "none" },
      };
  }
}

/** A triggered status notification: the upload's status while it runs, Idle otherwise. */
export function currentUploadStatus(state: UploadState | undefined): UploadStatus {
  return state && state.phase !== "done" && state.attempt > 0 ? state.status : "Idle";
}
