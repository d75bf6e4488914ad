/**
 * What the charger page's Start and Stop buttons send, per protocol: OCPP 1.6's RemoteStart/Stop
 * Transaction, or 2.0.1's RequestStart/StopTransaction. Pure; the one place these payloads are built, so
 * the page, and anyone reading it to script the REST API, see the same shape.
 */
import type { Protocol, TransactionRecord } from "../../shared/domain.ts";

export interface SessionCommand {
  action: string;
  payload: Record<string, unknown>;
}

/**
 * Starts charging on an EVSE (1.6: the connector of that number) for an id token. For 2.0.1 the token is
 * of type Central (the operator's, not read from a card), and the CSMS assigns the remoteStartId. A charger
 * that never said which protocol it speaks is taken for OCPP 1.6, as the command panel takes it.
 */
export function startCommand(protocol: Protocol | undefined, evseId: number, idTag: string): SessionCommand {
  if (protocol === "ocpp2.0.1") {
    return {
      action: "RequestStartTransaction",
      payload: { evseId, idToken: { idToken: idTag, type: "Central" } },
    };
  }
  return { action: "RemoteStartTransaction", payload: { connectorId: evseId, idTag } };
}

/** Stops a transaction: 1.6 names it by the CSMS's number (which its charger uses), 2.0.1 by the charger's id. */
export function stopCommand(protocol: Protocol | undefined, transaction: TransactionRecord): SessionCommand {
  if (protocol === "ocpp2.0.1") {
    return { action: "RequestStopTransaction", payload: { transactionId: transaction.chargerTransactionId } };
  }
  return { action: "RemoteStopTransaction", payload: { transactionId: transaction.id } };
}
