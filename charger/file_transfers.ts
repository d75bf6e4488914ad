/**
 * The simulator's file transfers over HTTP(S): firmware downloads (UpdateFirmware, SignedUpdateFirmware)
 * and uploads of its diagnostics file (GetDiagnostics) and logs (GetLog). The state machines are
 * firmware_job.ts and upload_job.ts; this runs them: timers, fetch, the status notifications, the reboot.
 *
 * A download is a GET of the location; an upload is a POST of the location with a multipart/form-data body
 * whose part `file` carries the file and its name. Other schemes (ftp://, which real chargers often use)
 * fail as a transfer would. A new firmware request cancels the one running (the signed one answers
 * AcceptedCanceled then); a new upload of a kind does the same to the one of that kind running.
 */
import { createHash, verify as verifySignature, X509Certificate } from "node:crypto";
import { Buffer } from "node:buffer";
import type { ChargePointActions16, Ocpp16 } from "../shared/ocpp/mod.ts";
import { diagnosticsText, uploadFileName } from "./diagnostics_file.ts";
import type { ChargerEventRecord } from "./events.ts";
import { fileNameOf, firmwareVersionOf, installProblem } from "./firmware_image.ts";
import {
  currentFirmwareStatus,
  type FirmwareAction,
  type FirmwareEvent,
  type FirmwareJob,
  type FirmwareState,
  type FirmwareStep,
  firmwareStep,
  retryPlan,
  scheduleFirmware,
} from "./firmware_job.ts";
import type { Timer, Timers } from "./timers.ts";
import {
  currentUploadStatus,
  UPLOAD_START,
  type UploadKind,
  type UploadState,
  type UploadStep,
  uploadStep,
} from "./upload_job.ts";

type Notification =
  | "FirmwareStatusNotification"
  | "SignedFirmwareStatusNotification"
  | "DiagnosticsStatusNotification"
  | "LogStatusNotification";

export interface FileTransferHost {
  readonly chargerId: string;
  timers: Timers;
  /** Sends a status notification; settles when answered (or when it could not be sent). */
  notify<A extends Notification>(action: A, payload: ChargePointActions16[A][0]): Promise<void>;
  firmwareVersion(): string;
  /** The installed image's version, for the next BootNotification. */
  setFirmwareVersion(version: string): void;
  configuration(): readonly { key: string; value?: string }[];
  events(): readonly ChargerEventRecord[];
  /** Reboots to run the new image. */
  reboot(): void;
  warn(message: string): void;
  /** An image was installed: its version, size and digest. */
  installed(version: string, bytes: number, sha256: string): void;
  fetch?: typeof fetch;
}

/** How long one transfer may take before it counts as failed. */
const TRANSFER_TIMEOUT_MS = 60_000;

interface RunningFirmware {
  job: FirmwareJob;
  state: FirmwareState;
  location: string;
  check: (bytes: Uint8Array) => boolean;
  bytes?: Uint8Array;
  timer?: Timer;
}

interface RunningUpload {
  kind: UploadKind;
  state: UploadState;
  location: string;
  fileName: string;
  requestId?: number;
  plan: ReturnType<typeof retryPlan>;
  content?: string;
  build: () => string;
  timer?: Timer;
}

export class FileTransfers {
  readonly #host: FileTransferHost;
  #firmware?: RunningFirmware;
  readonly #uploads = new Map<UploadKind, RunningUpload>();

  constructor(host: FileTransferHost) {
    this.#host = host;
  }

  // ---- the commands ------------------------------------------------------------------------------

  updateFirmware(req: Ocpp16.UpdateFirmwareRequest): Ocpp16.UpdateFirmwareResponse {
    this.#startFirmware(
      {
        signed: false,
        retrieveAtMs: Date.parse(req.retrieveDate),
        plan: retryPlan(req.retries, req.retryInterval),
      },
      req.location,
      (bytes) => {
        const problem = installProblem(bytes);
        if (problem) this.#host.warn(`firmware not installed: ${problem}`);
        return !problem;
      },
    );
    return {};
  }

  /**
   * What is checked: the signing certificate is a well-formed X.509 certificate (InvalidCertificate
   * otherwise), and the signature (base64) is the certificate's key's SHA-256 signature of the downloaded
   * image (InvalidSignature otherwise). Not checked: that the certificate chains to a manufacturer root
   * (the simulator has none installed) or is unrevoked.
   */
  signedUpdateFirmware(req: Ocpp16.SignedUpdateFirmwareRequest): Ocpp16.SignedUpdateFirmwareResponse {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(req.firmware.signingCertificate);
    } catch {
      return { status: "InvalidCertificate" };
    }
    const signature = Buffer.from(req.firmware.signature, "base64");
    const canceled = this.#firmware !== undefined && this.#firmware.state.phase !== "done";
    this.#startFirmware(
      {
        signed: true,
        requestId: req.requestId,
        retrieveAtMs: Date.parse(req.firmware.retrieveDateTime),
        plan: retryPlan(req.retries, req.retryInterval),
      },
      req.firmware.location,
      (bytes) => {
        try {
          if (!verifySignature("sha256", bytes, cert.publicKey, signature)) return false;
        } catch {
          return false;
        }
        const problem = installProblem(bytes);
        return !problem;
      },
    );
    return { status: canceled ? "AcceptedCanceled" : "Accepted" };
  }

  getDiagnostics(req: Ocpp16.GetDiagnosticsRequest): Ocpp16.GetDiagnosticsResponse {
    const now = Date.now();
    const fileName = uploadFileName("diagnostics", this.#host.chargerId, now);
    const from = req.startTime === undefined ? undefined : Date.parse(req.startTime);
    const to = req.stopTime === undefined ? undefined : Date.parse(req.stopTime);
    this.#startUpload({
      kind: "diagnostics",
      location: req.location,
      fileName,
      plan: retryPlan(req.retries, req.retryInterval),
      build: () => this.#fileText("Chargewire simulator diagnostics", now, from, to),
    });
    return { fileName };
  }

  getLog(req: Ocpp16.GetLogRequest): Ocpp16.GetLogResponse {
    const now = Date.now();
    const canceled = this.#running("log");
    const prefix = req.logType === "SecurityLog" ? "securitylog" : "diagnosticslog";
    const filename = uploadFileName(prefix, this.#host.chargerId, now);
    const from = req.log.oldestTimestamp === undefined ? undefined : Date.parse(req.log.oldestTimestamp);
    const to = req.log.latestTimestamp === undefined ? undefined : Date.parse(req.log.latestTimestamp);
    this.#startUpload({
      kind: "log",
      location: req.log.remoteLocation,
      fileName: filename,
      requestId: req.requestId,
      plan: retryPlan(req.retries, req.retryInterval),
      build: () => this.#fileText(`Chargewire simulator ${req.logType}`, now, from, to),
    });
    return { status: canceled ? "AcceptedCanceled" : "Accepted", filename };
  }

  /** TriggerMessage FirmwareStatusNotification: the running update's status, else Idle. */
  firmwareStatus(): Ocpp16.FirmwareStatusNotificationRequest["status"] {
    const fw = this.#firmware;
    const status = currentFirmwareStatus(fw?.state);
    // A signed update's own statuses have no 1.6 word: it is busy downloading or installing.
    if (
      fw?.job.signed && !["Idle", "Downloading", "Downloaded", "Installing", "Installed"].includes(status)
    ) {
      return fw.state.phase === "downloading"
        ? "Downloading"
        : fw.state.phase === "installing"
        ? "Installing"
        : "Idle";
    }
    return status as Ocpp16.FirmwareStatusNotificationRequest["status"];
  }

  /** TriggerMessage DiagnosticsStatusNotification: the running upload's status, else Idle. */
  diagnosticsStatus(): Ocpp16.DiagnosticsStatusNotificationRequest["status"] {
    return currentUploadStatus(
      this.#uploads.get("diagnostics")?.state,
    ) as Ocpp16.DiagnosticsStatusNotificationRequest[
      "status"
    ];
  }

  /** ExtendedTriggerMessage LogStatusNotification: the running log upload's status, else Idle. */
  logStatus(): Ocpp16.LogStatusNotificationRequest {
    const run = this.#uploads.get("log");
    const status = currentUploadStatus(run?.state) as Ocpp16.LogStatusNotificationRequest["status"];
    return status !== "Idle" && run?.requestId !== undefined
      ? { status, requestId: run.requestId }
      : { status };
  }

  /** The charger stops for good: nothing more is attempted. */
  stop(): void {
    this.#host.timers.cancel(this.#firmware?.timer);
    for (const u of this.#uploads.values()) this.#host.timers.cancel(u.timer);
  }

  // ---- firmware ----------------------------------------------------------------------------------

  #startFirmware(job: FirmwareJob, location: string, check: (bytes: Uint8Array) => boolean): void {
    if (this.#firmware) this.#host.timers.cancel(this.#firmware.timer);
    const first = scheduleFirmware(job, Date.now());
    const run: RunningFirmware = { job, state: first.state, location, check };
    this.#firmware = run;
    void this.#applyFirmware(run, first);
  }

  async #applyFirmware(run: RunningFirmware, s: FirmwareStep): Promise<void> {
    run.state = s.state;
    for (const status of s.notify) await this.#notifyFirmware(run, status);
    if (this.#firmware !== run) return;
    await this.#firmwareAction(run, s.action);
  }

  #notifyFirmware(run: RunningFirmware, status: FirmwareState["status"]): Promise<void> {
    return run.job.signed
      ? this.#host.notify("SignedFirmwareStatusNotification", {
        status,
        ...(run.job.requestId !== undefined && { requestId: run.job.requestId }),
      })
      : this.#host.notify("FirmwareStatusNotification", {
        status: status as Ocpp16.FirmwareStatusNotificationRequest["status"],
      });
  }

  #firmwareEvent(run: RunningFirmware, event: FirmwareEvent): Promise<void> {
    if (this.#firmware !== run) return Promise.resolve();
    return this.#applyFirmware(run, firmwareStep(run.job, run.state, event));
  }

  async #firmwareAction(run: RunningFirmware, action: FirmwareAction): Promise<void> {
    switch (action.type) {
      case "wait":
        run.timer = this.#host.timers.later(action.ms, () => void this.#firmwareEvent(run, { type: "due" }));
        return;
      case "download": {
        const bytes = await this.#download(run.location);
        if (bytes) run.bytes = bytes;
        return this.#firmwareEvent(run, bytes ? { type: "downloaded" } : { type: "download-failed" });
      }
      case "check":
        return this.#firmwareEvent(run, { type: "checked", ok: run.check(run.bytes ?? new Uint8Array()) });
      case "install": {
        const bytes = run.bytes ?? new Uint8Array();
        const hex = createHash("sha256").update(bytes).digest("hex");
        const version = firmwareVersionOf(fileNameOf(run.location), bytes, hex);
        this.#host.setFirmwareVersion(version);
        this.#host.installed(version, bytes.length, hex);
        return this.#firmwareEvent(run, { type: "installed" });
      }
      case "reboot":
        run.bytes = undefined;
        this.#host.reboot();
        return;
      case "none":
        return;
    }
  }

  async #download(location: string): Promise<Uint8Array | undefined> {
    try {
      const res = await (this.#host.fetch ?? fetch)(location, {
        signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS),
      });
      if (!res.ok) {
        await res.body?.cancel();
        this.#host.warn(`firmware download from ${location} failed: HTTP ${res.status}`);
        return undefined;
      }
      return new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      this.#host.warn(`firmware download from ${location} failed: ${(err as Error).message}`);
      return undefined;
    }
  }

  // ---- uploads -----------------------------------------------------------------------------------

  #running(kind: UploadKind): boolean {
    const u = this.#uploads.get(kind);
    return u !== undefined && u.state.phase !== "done";
  }

  #startUpload(o: Omit<RunningUpload, "state" | "timer" | "content">): void {
    const old = this.#uploads.get(o.kind);
    if (old) this.#host.timers.cancel(old.timer);
    const run: RunningUpload = { ...o, state: UPLOAD_START };
    this.#uploads.set(o.kind, run);
    // After the answer: the file name is answered before Uploading is reported.
    run.timer = this.#host.timers.later(0, () => void this.#uploadEvent(run, { type: "attempt" }));
  }

  async #uploadEvent(run: RunningUpload, event: Parameters<typeof uploadStep>[3]): Promise<void> {
    if (this.#uploads.get(run.kind) !== run) return;
    const s: UploadStep = uploadStep(run.kind, run.plan, run.state, event);
    run.state = s.state;
    for (const status of s.notify) {
      if (run.kind === "diagnostics") {
        await this.#host.notify("DiagnosticsStatusNotification", {
          status: status as Ocpp16.DiagnosticsStatusNotificationRequest["status"],
        });
      } else {
        await this.#host.notify("LogStatusNotification", {
          status: status as Ocpp16.LogStatusNotificationRequest["status"],
          ...(run.requestId !== undefined && { requestId: run.requestId }),
        });
      }
    }
    if (this.#uploads.get(run.kind) !== run) return;
    if (s.action.type === "wait") {
      run.timer = this.#host.timers.later(
        s.action.ms,
        () => void this.#uploadEvent(run, { type: "attempt" }),
      );
    } else if (s.action.type === "upload") {
      run.content ??= run.build();
      const ok = await this.#upload(run.location, run.fileName, run.content);
      await this.#uploadEvent(run, { type: ok ? "uploaded" : "failed" });
    }
  }

  async #upload(location: string, fileName: string, content: string): Promise<boolean> {
    try {
      const form = new FormData();
      form.append("file", new File([content], fileName, { type: "text/plain" }));
      const res = await (this.#host.fetch ?? fetch)(location, {
        method: "POST",
        body: form,
        signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) return true;
      this.#host.warn(`upload of ${fileName} to ${location} failed: HTTP ${res.status}`);
    } catch (err) {
      this.#host.warn(`upload of ${fileName} to ${location} failed: ${(err as Error).message}`);
    }
    return false;
  }

  #fileText(title: string, now: number, fromMs?: number, toMs?: number): string {
    return diagnosticsText({
      title,
      chargerId: this.#host.chargerId,
      firmwareVersion: this.#host.firmwareVersion(),
      generatedAtMs: now,
      ...(fromMs !== undefined && !Number.isNaN(fromMs) && { fromMs }),
      ...(toMs !== undefined && !Number.isNaN(toMs) && { toMs }),
      configuration: this.#host.configuration(),
      events: this.#host.events(),
    });
  }
}
