/**
 * The operator's changes arriving on the bus (shared/admin.ts), applied to storage and to this node's live
 * connections: a withdrawn registration closes the charger's socket at once, a transaction closed by hand
 * is announced like any stop. A rule the request breaks (a RangeError from the store, a bad reason)
 * answers `invalid` with its message.
 */
import { keepFirmware } from "./firmware_upload.ts";
import type { Bus } from "../shared/events.ts";
import type { AdminHandler, AdminRequest, AdminResponses, AdminResult } from "../shared/admin.ts";
import { CSMS_STOP_REASONS, MAX_CLOSE_REASON_LENGTH } from "../shared/domain.ts";
import type { CloseTransactionResult } from "../shared/queries.ts";
import type { CsmsStorage } from "../shared/storage.ts";
import { isoNow } from "./clock.ts";
import { CLOSE } from "./connection.ts";
import type { Connections } from "./connections.ts";
import type { EventSink } from "./event_sink.ts";

export interface AdminServices {
  storage: Pick<CsmsStorage, "idTokens" | "registrations" | "transactions" | "reads" | "files">;
  connections: Pick<Connections, "get">;
  sink: Pick<EventSink, "transactionStopped">;
  /**
   * Where a charger held by another CSMS node is asked to go (in one process: never needed), and how a
   * charger approved while it waits is asked to boot again (a command, sent wherever the charger is).
   */
  bus?: Pick<Bus, "admin" | "sendCommand">;
}

/** The reason an operator gives for closing a transaction, trimmed; a RangeError when it is empty or long. */
export function closeReason(reason: unknown): string {
  const trimmed = typeof reason === "string" ? reason.trim() : "";
  if (trimmed.length === 0 || trimmed.length > MAX_CLOSE_REASON_LENGTH) {
    throw new RangeError(`reason must be 1 to ${MAX_CLOSE_REASON_LENGTH} characters`);
  }
  return trimmed;
}

/**
 * A charger approved while Pending need not wait out its retry interval: TriggerMessage BootNotification
 * (OCPP 1.6 §5.17, 2.0.1 F06; a Pending station takes it, B02) has it boot now, and be answered Accepted.
 * A Rejected one is not asked (2.0.1 B03: it answers anything but its own boot with SecurityError): it
 * boots again after its interval. Sent as a command, so that it is logged like one and reaches the
 * charger on whichever node holds it; not awaited: an offline charger is simply told at its next boot.
 */
function askToBootAgain(svc: AdminServices, chargerId: string): void {
  svc.bus?.sendCommand(chargerId, "TriggerMessage", { requestedMessage: "BootNotification" }).catch((err) =>
    console.error(`csms: [${chargerId}] TriggerMessage BootNotification failed:`, err)
  );
}

type Handlers = {
  [K in AdminRequest["kind"]]: (
    request: Extract<AdminRequest, { kind: K }>,
    svc: AdminServices,
  ) => Promise<AdminResponses[K]>;
};

/** Closes the charger's live connection on this node, if any; whether there was one. */
function disconnect(svc: AdminServices, chargerId: string, reason: string): boolean {
  const conn = svc.connections.get(chargerId);
  if (!conn) return false;
  conn.close(CLOSE.policyViolation, reason, "kicked");
  return true;
}

/**
 * Closes an active transaction by hand: stopped now, its last meter reading as meterStop, with who and
 * why. Announced and logged like any stop once it is on disk. A stop the charger sends later is still
 * answered, and kept beside the close (see the adapters' stop handlers).
 */
async function closeTransaction(
  req: Extract<AdminRequest, { kind: "transaction.close" }>,
  svc: AdminServices,
): Promise<CloseTransactionResult> {
  const reason = closeReason(req.reason);
  const at = isoNow();
  const closed = await svc.storage.transactions.close(req.transactionId, {
    reason: CSMS_STOP_REASONS.operator,
    stoppedAt: at,
    closedAt: at,
    closedBy: req.by,
    closeReason: reason,
  });
  if (!closed) {
    const existing = await svc.storage.reads.getTransaction(req.transactionId);
    return existing
      ? {
        ok: false,
        error: "already_stopped",
        message: `transaction ${req.transactionId} was stopped already`,
      }
      : { ok: false, error: "not_found", message: `no transaction ${req.transactionId}` };
  }
  await closed.durable;
  svc.sink.transactionStopped(closed.value, isoNow());
  return { ok: true, transaction: (await svc.storage.reads.getTransaction(req.transactionId))! };
}

export const ADMIN_HANDLERS: Handlers = {
  "idtag.put": async (req, svc) => {
    const written = await svc.storage.idTokens.put(req.tag);
    await written.durable;
    return written.value;
  },
  "idtag.delete": async (req, svc) => {
    const written = await svc.storage.idTokens.delete(req.idTag);
    await written.durable;
    return written.value;
  },
  // The live connection, if any, stays: it was authenticated, and a new key reaches the charger through
  // its protocol's own command (1.6: ChangeConfiguration AuthorizationKey) before it reconnects.
  "registration.put": async (req, svc) => {
    // The read model sees a first-contact registration still in a write batch; find() may not yet.
    const before = req.options.bootStatus === "Accepted"
      ? await svc.storage.reads.getRegistration(req.chargerId)
      : undefined;
    const result = await svc.storage.registrations.register(req.chargerId, req.options);
    if (before?.bootStatus === "Pending") askToBootAgain(svc, req.chargerId);
    return result;
  },
  // Withdrawn access holds at once: the charger's connection closes.
  "registration.delete": async (req, svc) => {
    const removed = await svc.storage.registrations.unregister(req.chargerId);
    // The charger may be held by another CSMS node: the bus takes the request to the one that holds it.
    if (removed && !disconnect(svc, req.chargerId, "registration removed")) {
      await svc.bus?.admin({
        kind: "charger.disconnect",
        chargerId: req.chargerId,
        reason: "registration removed",
      });
    }
    return removed;
  },
  "transaction.close": closeTransaction,
  "firmware.put": (req, svc) => keepFirmware(svc.storage.files, req.name, req.contentBase64),
  "charger.disconnect": (req, svc) => Promise.resolve(disconnect(svc, req.chargerId, req.reason)),
};

/** The handler the CSMS registers with `bus.serveAdmin`. */
export function createAdminHandler(svc: AdminServices, handlers: Handlers = ADMIN_HANDLERS): AdminHandler {
  return async (request): Promise<AdminResult> => {
    const handle = handlers[request.kind] as (r: AdminRequest, s: AdminServices) => Promise<unknown>;
    if (!handle) {
      return { ok: false, error: "invalid", message: `unknown admin request ${String(request.kind)}` };
    }
    try {
      return { ok: true, value: await handle(request, svc) } as AdminResult;
    } catch (err) {
      if (err instanceof RangeError) return { ok: false, error: "invalid", message: err.message };
      throw err;
    }
  };
}
