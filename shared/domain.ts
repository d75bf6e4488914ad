/**
 * Chargewire's domain model, the same whatever protocol a charger speaks: the CSMS's protocol adapters
 * (csms/ocpp16/, csms/ocpp201/) map wire shapes into these types, the storage engines store them, and the
 * portal shows them. Nothing here names an OCPP version's own types; where a protocol's own word matters
 * to an operator (a 1.6 status of "Finishing"), it travels beside the neutral value as `original`.
 */

/** The OCPP-J subprotocol a charger speaks, as negotiated on its WebSocket (`charger.protocol`). */
export type Protocol = "ocpp1.6" | "ocpp2.0.1";

/**
 * Where on a charger something happens. An EVSE is one independently usable charging point with one or
 * more connectors; EVSE 0 is the charger as a whole. OCPP 1.6 knows connectors only: its connector n is
 * EVSE n with connector 1, and its connector 0 is EVSE 0.
 */
export interface EvseRef {
  evseId: number;
  /** Absent when the whole EVSE is meant. */
  connectorId?: number;
}

/** A connector's availability: OCPP 2.0.1's set, into which 1.6's nine statuses map. */
export const CONNECTOR_STATUSES = ["Available", "Occupied", "Reserved", "Unavailable", "Faulted"] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

/** What an occupied connector is doing with the car (2.0.1's ChargingStateEnumType; 1.6 implies it). */
export const CHARGING_STATES = ["EVConnected", "Charging", "SuspendedEV", "SuspendedEVSE", "Idle"] as const;
export type ChargingState = (typeof CHARGING_STATES)[number];

/** One status report of an EVSE (or of its connector), in neutral terms. */
export interface StatusReport extends EvseRef {
  status: ConnectorStatus;
  chargingState?: ChargingState;
  /** A fault the charger reported (1.6 errorCode other than NoError, a vendor code); absent when none. */
  errorCode?: string;
  info?: string;
  /** The charger's own word for the status, kept for the log ("Finishing", "SuspendedEV", "Occupied"). */
  original: string;
}

/** What a charger says of itself when it boots. */
export interface ChargerIdentity {
  vendor: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Modem and meter details, where the protocol reports them. */
  iccid?: string;
  imsi?: string;
  meterType?: string;
  meterSerialNumber?: string;
}

/** One meter reading, already read out of the protocol's sampled values and converted to base units. */
export interface MeterSample {
  timestamp: string;
  energyWh?: number;
  powerW?: number;
  currentA?: number;
  voltageV?: number;
  socPercent?: number;
  /**
   * Every numeric reading of the meter value as the charger sent it (the five above folded from them
   * included): its measurand, phase, location and context, the value in the unit named (kilo-units and
   * 2.0.1 multipliers resolved: Wh, W, var, varh, A, V, Hz, Percent, Celsius, ...). Absent in samples stored
   * before they were kept.
   */
  readings?: MeterReading[];
}

/** One sampled value of a meter value, kept whatever its measurand. */
export interface MeterReading {
  measurand: string;
  value: number;
  unit?: string;
  phase?: string;
  location?: string;
  context?: string;
}

/**
 * A charging profile a charger accepted (SetChargingProfile), kept per charger and connector so that the
 * portal shows it and the CSMS can send it again after a reboot that lost it. `profile` is the profile as
 * the charger took it, in its protocol's shape (1.6 csChargingProfiles): it is resent as it is.
 */
export interface ChargingProfileRecord {
  /** 0: the whole charger. */
  connectorId: number;
  profileId: number;
  /** The protocol's word (1.6: ChargePointMaxProfile, TxDefaultProfile, TxProfile). */
  purpose: string;
  stackLevel: number;
  /** A TxProfile's transaction, when the profile named one. */
  transactionId?: number;
  profile: Record<string, unknown>;
  storedAt: string;
}

/** How an id token was judged: the statuses both protocols share (2.0.1 has more, which map into these). */
export type IdTokenStatus = "Accepted" | "Blocked" | "Expired" | "Invalid";

/** An id token (RFID card, app token) the operator knows. */
export interface IdTokenRecord {
  /** Named idTag in the API, as operators know it. */
  idTag: string;
  status: IdTokenStatus;
  expiryDate?: string;
  parentIdTag?: string;
  createdAt: string;
}

/** What the CSMS answers about an id token. */
export interface IdTokenVerdict {
  status: IdTokenStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

/**
 * A charging session. `id` is the CSMS's own number for every transaction whatever the protocol;
 * `chargerTransactionId` is the charger's own id for it: 2.0.1's transactionId, or for 1.6 the same
 * number as text (the CSMS assigns 1.6 ids).
 */
export interface TransactionRecord {
  id: number;
  chargerTransactionId: string;
  chargerId: string;
  /** The EVSE it runs on (1.6: its connector), and the connector of that EVSE (1.6: 1). */
  evseId: number;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  meterStopWh?: number;
  /** The latest energy register reading seen during the transaction. */
  lastMeterWh?: number;
  startedAt: string;
  stoppedAt?: string;
  stopReason?: string;
  /** meterStop - meterStart once stopped; last reading - meterStart while active. */
  energyWh: number;
  /** When the CSMS, not the charger, ended it (stopReason Superseded or ClosedByOperator). */
  closedAt?: string;
  /** Who closed it by hand: a user's name, or `token:` and an API token's name. */
  closedBy?: string;
  /** The operator's reason for closing it by hand. */
  closeReason?: string;
  /** The transaction the charger started on the same EVSE, which ended this one (Superseded). */
  supersededBy?: number;
  /**
   * The charger's own stop, when it came after the CSMS had closed the transaction: kept for the record,
   * while the close (its meterStopWh and energyWh) stands.
   */
  reportedStop?: { meterStopWh: number; stoppedAt: string; reason: string };
  /** Active transactions only: it looks orphaned, for this cause since this time (STALE_TX_MINUTES). */
  stale?: { cause: StaleCause; since: string };
}

/**
 * One attribute of one variable of a charger's device model (OCPP 2.0.1 NotifyReport, kept as the
 * charger reported it; SetVariables that the charger accepted update `value`). A 1.6 charger has none.
 * The key is (component, componentInstance, evseId, connectorId, variable, variableInstance, attributeType).
 */
export interface DeviceVariable {
  component: string;
  componentInstance?: string;
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
  /** Actual, Target, MinSet or MaxSet (2.0.1 AttributeEnumType). */
  attributeType: string;
  /** Absent for a WriteOnly variable or one the charger reported without a value. */
  value?: string;
  /** ReadOnly, WriteOnly or ReadWrite. */
  mutability?: string;
  /** The variable's characteristics, where the report gave them. */
  dataType?: string;
  unit?: string;
  valuesList?: string;
  /** When the CSMS last heard of this value (a report, or an accepted SetVariables). */
  updatedAt: string;
}

/**
 * One configuration key of a 1.6 charge point as its last GetConfiguration answer (or an accepted
 * ChangeConfiguration) left it. A key the charger lists without a value (write-only, say) has none.
 */
export interface ConfigurationKey {
  key: string;
  value?: string;
  readonly: boolean;
  /** When the CSMS last heard of this value. */
  updatedAt: string;
}

/** Why an active transaction looks orphaned: its charger is offline, or its connector says Available. */
export type StaleCause = "ChargerOffline" | "ConnectorAvailable";

/** The stopReason of a transaction the CSMS ended on its own authority. */
export const CSMS_STOP_REASONS = {
  /** The charger started another transaction on the same EVSE. */
  superseded: "Superseded",
  /** An operator closed it by hand. */
  operator: "ClosedByOperator",
} as const;

/** The longest reason an operator may give for closing a transaction by hand. */
export const MAX_CLOSE_REASON_LENGTH = 200;

/** Why an operator command got no answer from the charger. */
export type CommandFailure =
  | "offline" // the charger has no live connection
  | "timeout" // it did not answer in time
  | "callerror" // it answered with a CALLERROR (see code)
  | "invalid" // the request failed validation before it was sent
  | "unavailable"; // no CSMS serves commands on this bus

export type CommandResult<R = unknown> =
  | { ok: true; response: R }
  | { ok: false; error: CommandFailure; message: string; code?: string };
