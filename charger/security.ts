/**
 * The OCPP 1.6 security extension, charge point side: the certificate actions, ExtendedTriggerMessage
 * (its SignChargePointCertificate included), and the security events the simulator honestly has. Events
 * are queued while the charge point may not send (offline, or not yet Accepted) and go out in order once
 * it may: the whitepaper's critical events must reach the central system.
 */
import type { CentralSystemActions16, ChargePointActions16, Ocpp16, RpcSession } from "../shared/ocpp/mod.ts";
import type { CertificateStore } from "./certificates.ts";
import { type CommandObserver, observedHandlers } from "./commands.ts";
import type { ChargePointCertificate } from "./cp_certificate.ts";
import { errorText, type Warn } from "./events.ts";
import type { TriggerRequest } from "./trigger.ts";

/** The whitepaper's security event types this simulator raises, and when. */
export type SecurityEventType =
  /** The first accepted boot after the process started. */
  | "StartupOfTheDevice"
  /** The first accepted boot after a Reset. */
  | "ResetOrReboot"
  /** AuthorizationKey changed, or a root certificate was installed or deleted. */
  | "ReconfigurationOfSecurityParameters"
  /** A CertificateSigned chain was rejected. */
  | "InvalidChargePointCertificate";

/** Events kept while offline; older ones go first when more wait (a bound, not a loss in practice). */
const MAX_QUEUED_EVENTS = 100;

export type SecurityEvent = Ocpp16.SecurityEventNotificationRequest;

export class SecurityEvents {
  #queue: SecurityEvent[] = [];
  #sending = false;

  constructor(
    private readonly send: () => ((event: SecurityEvent) => Promise<unknown>) | undefined,
    private readonly warn: Warn,
  ) {}

  get queued(): readonly SecurityEvent[] {
    return this.#queue;
  }

  raise(type: SecurityEventType, techInfo?: string, at = new Date()): void {
    this.#queue.push({
      type,
      timestamp: at.toISOString(),
      ...(techInfo ? { techInfo: techInfo.slice(0, 255) } : {}),
    });
    if (this.#queue.length > MAX_QUEUED_EVENTS) this.#queue.shift();
    void this.flush();
  }

  /** Sends what waits, one at a time in order, while sending is possible. */
  async flush(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      for (let send = this.send(); send && this.#queue.length > 0; send = this.send()) {
        try {
          await send(this.#queue[0]);
          this.#queue.shift();
        } catch (err) {
          this.warn(`SecurityEventNotification failed: ${errorText(err)}`);
          return; // kept for the next time the charge point comes online
        }
      }
    } finally {
      this.#sending = false;
    }
  }
}

/** What the security handlers need of a charge point. */
export interface SecurityHost {
  readonly certificates: CertificateStore;
  readonly ownCertificate: ChargePointCertificate;
  readonly events: SecurityEvents;
  /** TriggerMessage's own path, for the messages both triggers share. */
  trigger(requested: TriggerRequest, connectorId?: number): Ocpp16.TriggerMessageResponse["status"];
  /** Sends a LogStatusNotification with the log upload's current state. */
  logStatus(): void;
  /** Makes a key pair and sends SignCertificate with its CSR (after the trigger's answer). */
  signCertificate(): void;
}

const SHARED_TRIGGERS: ReadonlySet<string> = new Set<TriggerRequest>([
  "BootNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "StatusNotification",
]);

export function installSecurityHandlers(
  session: RpcSession<CentralSystemActions16, ChargePointActions16>,
  host: SecurityHost,
  observe: CommandObserver,
): void {
  const on = observedHandlers(session, observe);
  on("InstallCertificate", (req) => {
    const status = host.certificates.install(req.certificateType, req.certificate);
    if (status === "Accepted") {
      host.events.raise("ReconfigurationOfSecurityParameters", `installed ${req.certificateType}`);
    }
    return { status };
  });
  on("GetInstalledCertificateIds", (req) => {
    const ids = host.certificates.ids(req.certificateType);
    return ids.length === 0
      ? { status: "NotFound" }
      : { status: "Accepted", certificateHashData: ids as [typeof ids[0], ...typeof ids] };
  });
  on("DeleteCertificate", (req) => {
    const status = host.certificates.delete(req.certificateHashData);
    if (status === "Accepted") {
      host.events.raise("ReconfigurationOfSecurityParameters", "deleted a certificate");
    }
    return { status };
  });
  on("CertificateSigned", (req) => {
    const verdict = host.ownCertificate.accept(req.certificateChain);
    if (verdict.status === "Rejected") host.events.raise("InvalidChargePointCertificate", verdict.why);
    return { status: verdict.status };
  });
  on("ExtendedTriggerMessage", (req) => {
    if (SHARED_TRIGGERS.has(req.requestedMessage)) {
      return { status: host.trigger(req.requestedMessage as TriggerRequest, req.connectorId) };
    }
    // The remaining two concern the charge point as a whole: a connectorId changes nothing.
    if (req.requestedMessage === "LogStatusNotification") host.logStatus();
    else host.signCertificate();
    return { status: "Accepted" };
  });
}
