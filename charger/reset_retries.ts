/**
 * ResetRetries (OCPP 1.6 §9.1; 2.0.1 OCPPCommCtrlr.ResetRetries): how many more times a charge point
 * tries to reboot after an attempt failed. A simulator's reboot cannot fail by itself, so a failure is a
 * fault the user injects (the handle's failResets), as setFault injects a connector fault: that lets a
 * central system be tested against a charger that does not come back. Pure: no clock, no I/O.
 */

/** Reboot failures waiting to happen. */
export class RebootFaults {
  #pending = 0;

  /** The next `count` reboot attempts fail (0 clears). */
  failNext(count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`failResets takes a whole number of attempts (got ${count})`);
    }
    this.#pending = count;
  }

  /** Whether this attempt fails; a failing one uses up one injected failure. */
  attemptFails(): boolean {
    if (this.#pending === 0) return false;
    this.#pending--;
    return true;
  }
}

/**
 * After attempt `attempt` (1-based; the first is the reset itself, not a retry) has failed with `retries`
 * allowed: the retries still left, and whether the charge point gives up.
 */
export function afterFailedAttempt(
  attempt: number,
  retries: number,
): { retriesLeft: number; gaveUp: boolean } {
  const retriesLeft = Math.max(0, retries - (attempt - 1));
  return { retriesLeft, gaveUp: retriesLeft === 0 };
}
