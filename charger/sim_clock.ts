/**
 * The simulator's time factor (`--speed N`): simulated time runs N times as
 * fast as the wall clock. What happens in the simulated world measures time
 * through it: the battery, the meter's sample intervals, the automatic
 * drivers and a driver's walk to the cable. What the central system sees stays
 * on the wall clock: OCPP timestamps, heartbeats, retries, timeouts and the
 * charger's own reboot, because the central system lives in real time and
 * would otherwise see clocks drift or links time out.
 *
 * Pure: it converts instants and spans, it reads no clock itself.
 */
export const MIN_SPEED = 0.1;
export const MAX_SPEED = 1000;

export class SimClock {
  /**
   * `origin` is the wall-clock instant where both clocks agree (the charger's start), so that
   * simulated instants stay near real ones and at speed 1 are the same.
   */
  constructor(readonly speed = 1, readonly origin = 0) {
    if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
      throw new RangeError(`speed must be from ${MIN_SPEED} to ${MAX_SPEED} (got ${speed})`);
    }
  }

  /** Simulated milliseconds that pass in `wallMs` of wall-clock time. */
  simMs(wallMs: number): number {
    return wallMs * this.speed;
  }

  /** Wall-clock milliseconds that `simMs` of simulated time take. */
  wallMs(simMs: number): number {
    return simMs / this.speed;
  }

  /** The simulated instant at wall-clock instant `wallAt`. */
  simAt(wallAt: number): number {
    return this.origin + (wallAt - this.origin) * this.speed;
  }
}

/** The real-time clock: what every charger runs on unless told otherwise. */
export const REAL_TIME = new SimClock(1);
