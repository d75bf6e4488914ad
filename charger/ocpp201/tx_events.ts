/**
 * TransactionEvent payloads, pure (E01-E07): the station names its transactions, counts seqNo from 0 up
 * by one per transaction, and says chargingState only when it changed, the EVSE in the first event, and
 * the idToken and remoteStartId in the event that follows them.
 */
import type {
  ChargingState,
  IdToken,
  MeterValue201,
  StopReason201,
  TransactionEventRequest,
  TriggerReason,
} from "./types.ts";

export interface TxRecord {
  readonly transactionId: string;
  readonly evseId: number;
  /** The seqNo of the next event. */
  readonly seqNo: number;
  /** The charging state the CSMS last heard. */
  readonly chargingState?: ChargingState;
  readonly idToken?: IdToken;
  readonly remoteStartId?: number;
  /** The idToken / remoteStartId still have to be told. */
  readonly idTokenPending: boolean;
  readonly remoteStartPending: boolean;
  readonly startedAtMs: number;
}

/** A transaction id: a UUID, unique across reboots and stations (at most 36 characters, as the schema allows). */
export function newTransactionId(random: () => string = () => crypto.randomUUID()): string {
  return random();
}

export function newTransaction(
  transactionId: string,
  evseId: number,
  startedAtMs: number,
  o: { idToken?: IdToken; remoteStartId?: number } = {},
): TxRecord {
  return {
    transactionId,
    evseId,
    seqNo: 0,
    startedAtMs,
    idToken: o.idToken,
    remoteStartId: o.remoteStartId,
    idTokenPending: o.idToken !== undefined,
    remoteStartPending: o.remoteStartId !== undefined,
  };
}

/** The transaction has been authorized (after it began, or by another token). */
export function authorized(tx: TxRecord, idToken: IdToken): TxRecord {
  return { ...tx, idToken, idTokenPending: true };
}

export interface EventFields {
  timestamp: string;
  chargingState?: ChargingState;
  stoppedReason?: StopReason201;
  meterValue?: MeterValue201[];
  offline?: boolean;
}

/** The next event of a transaction, and the record after it. */
export function transactionEvent(
  tx: TxRecord,
  eventType: TransactionEventRequest["eventType"],
  triggerReason: TriggerReason,
  f: EventFields,
): { tx: TxRecord; event: TransactionEventRequest } {
  const stateChanged = f.chargingState !== undefined && f.chargingState !== tx.chargingState;
  const event: TransactionEventRequest = {
    eventType,
    timestamp: f.timestamp,
    triggerReason,
    seqNo: tx.seqNo,
    ...(f.offline && { offline: true }),
    transactionInfo: {
      transactionId: tx.transactionId,
      ...(stateChanged && { chargingState: f.chargingState }),
      ...(eventType === "Ended" && f.stoppedReason !== undefined && { stoppedReason: f.stoppedReason }),
      ...(tx.remoteStartPending && { remoteStartId: tx.remoteStartId }),
    },
    ...(tx.idTokenPending && tx.idToken && { idToken: { ...tx.idToken } }),
    ...(tx.seqNo === 0 && { evse: { id: tx.evseId, connectorId: 1 } }),
    ...(f.meterValue && f.meterValue.length > 0 &&
      { meterValue: f.meterValue as TransactionEventRequest["meterValue"] }),
  };
  return {
    tx: {
      ...tx,
      seqNo: tx.seqNo + 1,
      chargingState: f.chargingState ?? tx.chargingState,
      idTokenPending: false,
      remoteStartPending: false,
    },
    event,
  };
}
