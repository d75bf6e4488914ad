/**
 * The energy side of every connector, pure: the car plugged in and its
 * battery, the power it draws, the connector's energy register, and when its
 * next periodic or clock-aligned meter sample is due. Indexes are connector
 * ids less one.
 */
import { acceptedPowerW, chargeStep } from "./battery.ts";
import type { ConnectorState } from "./connector.ts";
import type { CarOptions } from "./handle.ts";
import { type MeterReading, type Supply, supplyFor } from "./meter.ts";
import { type ChargePointOptions, DEFAULTS } from "./options.ts";
import { REAL_TIME, type SimClock } from "./sim_clock.ts";

export interface Car {
  socPct: number;
  targetPct: number;
  capacityWh: number;
}

/** The car a driver brings: what the caller says, else the charge point's options, else the defaults. */
export function newCar(
  car: CarOptions | undefined,
  o: Pick<ChargePointOptions, "soc" | "targetSoc" | "batteryKwh">,
): Car {
  return {
    socPct: car?.socPct ?? o.soc ?? DEFAULTS.soc,
    targetPct: car?.targetSocPct ?? o.targetSoc ?? DEFAULTS.targetSoc,
    capacityWh: (car?.batteryKwh ?? o.batteryKwh ?? DEFAULTS.batteryKwh) * 1000,
  };
}

/** The first periodic sample of a transaction started at `at`: none when the interval is 0. */
export function firstSampleAt(at: number, intervalMs: number): number {
  return intervalMs > 0 ? at + intervalMs : Infinity;
}

/**
 * The periodic sample after one due at `dueAt` and taken at `now`: one interval
 * on, but never in the past, so a stalled clock does not bring a burst of samples.
 */
export function nextSampleAt(dueAt: number, intervalMs: number, now: number, slackMs: number): number {
  return Math.max(dueAt + intervalMs, now + slackMs);
}

export class Energy {
  readonly maxW: number;
  readonly supply: Supply;
  readonly clock: SimClock;
  #cars: (Car | undefined)[];
  #energyWh: number[];
  #powerW: number[];
  /** What each connector offers its car, in W: the charging profiles' limit (smart_charging.ts), else maxW. */
  #offeredW: number[];
  #lastStepAt: number[];
  #nextSampleAt: number[];
  #lastAlignedSlot = -1;

  constructor(connectors: number, maxW: number, clock: SimClock = REAL_TIME) {
    this.maxW = maxW;
    this.clock = clock;
    this.supply = supplyFor(maxW);
    this.#cars = Array(connectors).fill(undefined);
    this.#energyWh = Array(connectors).fill(0);
    this.#powerW = Array(connectors).fill(0);
    this.#offeredW = Array(connectors).fill(maxW);
    this.#lastStepAt = Array(connectors).fill(0);
    this.#nextSampleAt = Array(connectors).fill(Infinity);
  }

  car(i: number): Car | undefined {
    return this.#cars[i];
  }

  setCar(i: number, car: Car | undefined): void {
    this.#cars[i] = car;
  }

  energyWh(i: number): number {
    return this.#energyWh[i];
  }

  powerW(i: number): number {
    return this.#powerW[i];
  }

  offeredW(i: number): number {
    return this.#offeredW[i];
  }

  /**
   * A new offer to the car. When it is `drawing` (charging, not suspended) the power it draws follows at
   * once, so a sample taken now already shows it; the battery's next step integrates at the new offer.
   */
  setOffered(i: number, watts: number, drawing: boolean): void {
    const w = Math.max(0, Math.min(this.maxW, watts));
    if (w === this.#offeredW[i]) return;
    this.#offeredW[i] = w;
    const car = this.#cars[i];
    if (car && drawing) {
      this.#powerW[i] = acceptedPowerW(car.socPct, car.targetPct, w, { capacityWh: car.capacityWh });
    }
  }

  /** A transaction starts at `at`: the battery steps and the periodic samples count from then. */
  started(i: number, at: number, sampleIntervalS: number): void {
    this.#lastStepAt[i] = at;
    this.#nextSampleAt[i] = firstSampleAt(at, this.#intervalMs(sampleIntervalS));
  }

  /** A transaction ends: no more power nor samples; an unplugged car is gone. */
  ended(i: number, unplugged: boolean): void {
    this.#powerW[i] = 0;
    this.#nextSampleAt[i] = Infinity;
    if (unplugged) this.#cars[i] = undefined;
  }

  /** The cable is out: no car, no power. */
  released(i: number): void {
    this.#cars[i] = undefined;
    this.#powerW[i] = 0;
  }

  /**
   * Charges the car on a connector up to `now` with what the charger offers.
   * Returns whether the car is now full, or undefined when there is no car.
   */
  charge(i: number, evseSuspended: boolean, now: number): boolean | undefined {
    const dt = this.clock.simMs(now - this.#lastStepAt[i]) / 1000;
    this.#lastStepAt[i] = now;
    const car = this.#cars[i];
    if (!car) {
      this.#powerW[i] = 0;
      return undefined;
    }
    const offered = evseSuspended ? 0 : this.#offeredW[i];
    const step = chargeStep(car.socPct, car.targetPct, offered, dt, { capacityWh: car.capacityWh });
    car.socPct = step.socPct;
    this.#energyWh[i] += step.energyWh;
    this.#powerW[i] = step.powerW;
    return step.full;
  }

  /** Whether a periodic sample is due within `slackMs` of `now`; if so, the next one is scheduled. */
  sampleDue(i: number, now: number, slackMs: number, intervalS: number): boolean {
    if (now + slackMs < this.#nextSampleAt[i]) return false;
    this.#nextSampleAt[i] = nextSampleAt(this.#nextSampleAt[i], this.#intervalMs(intervalS), now, slackMs);
    return true;
  }

  /** A new MeterValueSampleInterval counts from now for charging connectors. */
  rescheduleSamples(i: number, charging: boolean, intervalS: number, now: number): void {
    this.#nextSampleAt[i] = charging && intervalS > 0 ? now + this.#intervalMs(intervalS) : Infinity;
  }

  /** A sample interval of simulated seconds, as wall-clock milliseconds. */
  #intervalMs(intervalS: number): number {
    return this.clock.wallMs(intervalS * 1000);
  }

  /**
   * Whether `now` has crossed into a new clock-aligned interval since the last call (never on the first).
   * The intervals are the simulated clock's, so they too come `speed` times as often.
   */
  alignedDue(now: number, intervalS: number): boolean {
    if (intervalS <= 0) return false;
    const slot = Math.floor(this.clock.simAt(now) / (intervalS * 1000));
    if (this.#lastAlignedSlot === -1) this.#lastAlignedSlot = slot;
    if (slot === this.#lastAlignedSlot) return false;
    this.#lastAlignedSlot = slot;
    return true;
  }

  /** What one connector's meter reads. */
  reading(i: number, c: ConnectorState, powerW = this.#powerW[i]): MeterReading {
    return {
      energyWh: this.#energyWh[i],
      powerW,
      offeredW: c.phase === "charging" && !c.evseSuspended ? this.#offeredW[i] : 0,
      socPct: this.#cars[i]?.socPct,
      supply: this.supply,
    };
  }

  /** The charge point's main meter: the sum of its connectors. */
  mainReading(): MeterReading {
    return {
      energyWh: this.#energyWh.reduce((a, b) => a + b, 0),
      powerW: this.#powerW.reduce((a, b) => a + b, 0),
      offeredW: this.#offeredW.reduce((a, b) => a + b, 0),
      supply: this.supply,
    };
  }

  /** After a reboot no car is connected and nothing is drawn; the registers keep their counts. */
  reboot(): void {
    this.#cars.fill(undefined);
    this.#powerW.fill(0);
    this.#nextSampleAt.fill(Infinity);
  }
}
