/**
 * The station's link to its CSMS (OCPP 2.0.1): link.ts's CentralLink (socket, session, registration
 * per B01-B03, heartbeats) with 2.0.1's subprotocol, BootNotification and device-model variables.
 */
import type { ChargingStationActions201, CsmsActions201 } from "../../shared/ocpp/actions201.ts";
import { type BootAnswer, CentralLink, type LinkHooks } from "../link.ts";
import { type ChargePointOptions, DEFAULTS } from "../options.ts";
import type { DeviceModel } from "./device_model.ts";
import type { Ocpp201, Session201 } from "./types.ts";

export type BootReason = Ocpp201.BootNotificationRequest["reason"];

/** CALLs whose answer changes nothing here. */
export type FireAction201 =
  | "Heartbeat"
  | "StatusNotification"
  | "MeterValues"
  | "NotifyReport"
  | "FirmwareStatusNotification"
  | "LogStatusNotification";
export type Fire201 = <A extends FireAction201>(action: A, payload: ChargingStationActions201[A][0]) => void;

export type Link201Hooks = LinkHooks<Session201>;

export function bootNotification201(
  id: string,
  vendor: string,
  model: string,
  reason: BootReason,
): Ocpp201.BootNotificationRequest {
  return {
    reason,
    chargingStation: {
      vendorName: vendor,
      model,
      serialNumber: `SIM-${id}`.slice(0, 25),
      firmwareVersion: "chargewire-sim 1.0",
    },
  };
}

/** The OCPP 2.0.1 link: the heartbeat interval and the Basic-auth password are device-model variables. */
export class CsmsLink201 extends CentralLink<CsmsActions201, ChargingStationActions201> {
  readonly #model: DeviceModel;
  #bootReason: BootReason = "PowerUp";
  /** The reason of the BootNotification being sent now, when it is not the stored one. */
  #reasonNow?: BootReason;

  constructor(options: ChargePointOptions, model: DeviceModel, hooks: Link201Hooks) {
    super(options, "ocpp2.0.1", hooks);
    this.#model = model;
  }

  protected get selfName(): string {
    return "charging station";
  }

  protected storedPassword(): string | undefined {
    // A BasicAuthPassword set by SetVariables is used from the next connection on (A01).
    return this.#model.get("SecurityCtrlr.BasicAuthPassword");
  }

  /** A reboot: the registration is void until the next BootNotification, which gives `reason`. */
  override forgetRegistration(reason: BootReason = "PowerUp"): void {
    super.forgetRegistration();
    this.#bootReason = reason;
  }

  /** BootNotification; `reason` overrides the one stored (a TriggerMessage says Triggered). */
  override boot(reason?: BootReason): Promise<void> {
    this.#reasonNow = reason;
    return super.boot();
  }

  protected sendBoot(session: Session201): Promise<BootAnswer> {
    const o = this.options;
    const reason = this.#reasonNow ?? this.#bootReason;
    this.#reasonNow = undefined;
    return session.call(
      "BootNotification",
      bootNotification201(o.id, o.vendor ?? DEFAULTS.vendor, o.model ?? DEFAULTS.model, reason),
    );
  }

  protected heartbeatIntervalS(): number {
    return this.#model.getInt("OCPPCommCtrlr.HeartbeatInterval");
  }

  protected acceptInterval(intervalS: number): void {
    // B01.FR.?: the interval of an accepted boot is the heartbeat interval.
    this.#model.configure("OCPPCommCtrlr.HeartbeatInterval", String(intervalS));
  }
}
