/**
 * Login attempts per key (username + address, or address alone): after a few failures the key is locked,
 * and each further failure locks it for twice as long as the last (5 s, 10 s, 20 s … up to a cap), until
 * a success or a quiet spell clears it.
 *
 * The keys' failures and lockouts live in a persistence (the portal's store: portal.db, or PostgreSQL
 * shared by every portal node), read at every attempt and counted there atomically, so a restart does not
 * forget them and a guesser spreading attempts over several portal nodes is counted once. Without one
 * (tests), a bounded map in memory. Attempts on one key run one after another on a node (`maxInFlight`),
 * so a burst of parallel guesses cannot slip in before the first failure is counted, nor pile up password
 * hashing; across nodes that bound is per node (each node's in-flight count is its own memory).
 */

export interface LimiterPolicy {
  /** Failures that lock the key (the first lockout comes with this one). */
  lockAfterFailures: number;
  /** The first lockout; each further failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long starts afresh. */
  forgetAfterMs: number;
  /** Attempts on one key being checked at the same time (on one node). */
  maxInFlight: number;
  /** Keys kept at most; the least recently failed go first. */
  maxKeys: number;
}

export const USER_POLICY: LimiterPolicy = {
  lockAfterFailures: 5,
  baseLockMs: 5000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
  maxInFlight: 1,
  maxKeys: 10_000,
};

/** Per address across all user names, against guessing many names from one place. */
export const ADDRESS_POLICY: LimiterPolicy = { ...USER_POLICY, lockAfterFailures: 20, maxInFlight: 4 };

/** What is kept about a key: attempts in flight are not. */
export interface LimiterState {
  failures: number;
  lockedUntil: number;
  /** The last failure's time. */
  last: number;
}

/** Where a limiter keeps its keys' state. */
export interface LimiterPersistence {
  get(key: string): Promise<LimiterState | undefined>;
  /**
   * Replaces the key's state with `next(current)`, atomically against every other writer (other portal
   * nodes included), then keeps at most `maxKeys` keys, dropping the least recently failed.
   */
  update(
    key: string,
    next: (current: LimiterState | undefined) => LimiterState,
    maxKeys: number,
  ): Promise<LimiterState>;
  remove(key: string): Promise<void>;
  /** Drops keys whose last failure is at or before `before`; returns how many. */
  forget(before: number): Promise<number>;
  /** Every key kept, least recently failed first (for tests and inspection). */
  load(): Promise<[string, LimiterState][]>;
}

/** A limiter's state in memory only (no restart survives it): for tests and a limiter on its own. */
export class MemoryLimits implements LimiterPersistence {
  // Map order is recency: a key is re-inserted at every update, so the first key is the eviction candidate.
  readonly #map = new Map<string, LimiterState>();

  get(key: string): Promise<LimiterState | undefined> {
    const s = this.#map.get(key);
    return Promise.resolve(s && { ...s });
  }

  update(
    key: string,
    next: (current: LimiterState | undefined) => LimiterState,
    maxKeys: number,
  ): Promise<LimiterState> {
    const s = next(this.#map.get(key));
    this.#map.delete(key);
    this.#map.set(key, { ...s });
    while (this.#map.size > maxKeys) this.#map.delete(this.#map.keys().next().value as string);
    return Promise.resolve(s);
  }

  remove(key: string): Promise<void> {
    this.#map.delete(key);
    return Promise.resolve();
  }

  forget(before: number): Promise<number> {
    let n = 0;
    for (const [key, s] of this.#map) if (s.last <= before && this.#map.delete(key)) n++;
    return Promise.resolve(n);
  }

  load(): Promise<[string, LimiterState][]> {
    return Promise.resolve([...this.#map].map(([k, s]) => [k, { ...s }]));
  }
}

export type Admission =
  /** Settling waits until the outcome is counted (a failure is stored before the answer goes out). */
  | { ok: true; succeeded(): Promise<void>; failed(): Promise<void>; cancel(): Promise<void> }
  | { ok: false; retryAfterMs: number };

export class LoginLimiter {
  readonly #inFlight = new Map<string, number>();

  constructor(
    readonly policy: LimiterPolicy,
    private readonly now: () => number = Date.now,
    readonly persistence: LimiterPersistence = new MemoryLimits(),
  ) {}

  /** The key's state as it counts now: a key quiet for longer than forgetAfterMs starts afresh. */
  #live(s: LimiterState | undefined, t: number): LimiterState | undefined {
    return s && t - s.last <= this.policy.forgetAfterMs ? s : undefined;
  }

  #release(key: string): void {
    const n = (this.#inFlight.get(key) ?? 1) - 1;
    if (n > 0) this.#inFlight.set(key, n);
    else this.#inFlight.delete(key);
  }

  /** Asks to check a password for `key`; a refusal says how long to wait. */
  async begin(key: string): Promise<Admission> {
    // The slot is taken before the first await, so parallel attempts on this node see each other.
    const inFlight = this.#inFlight.get(key) ?? 0;
    if (inFlight >= this.policy.maxInFlight) return { ok: false, retryAfterMs: 1000 };
    this.#inFlight.set(key, inFlight + 1);
    let state: LimiterState | undefined;
    try {
      state = this.#live(await this.persistence.get(key), this.now());
    } catch (err) {
      this.#release(key);
      throw err;
    }
    const t = this.now();
    if (state && state.lockedUntil > t) {
      this.#release(key);
      return { ok: false, retryAfterMs: state.lockedUntil - t };
    }
    let settled = false;
    const settle = async (outcome: "succeeded" | "failed" | "cancel") => {
      if (settled) return;
      settled = true;
      try {
        const at = this.now();
        if (outcome === "succeeded") {
          // Only a key with failures has anything kept (a key's first success removes nothing).
          if (state) await this.persistence.remove(key);
        } else if (outcome === "failed") {
          // Counted on the stored state, not `state`: another node may have counted failures meanwhile.
          await this.persistence.update(key, (current) => {
            const failures = (this.#live(current, at)?.failures ?? 0) + 1;
            const over = failures - this.policy.lockAfterFailures;
            const lockedUntil = over >= 0
              ? at + Math.min(this.policy.maxLockMs, this.policy.baseLockMs * 2 ** Math.min(over, 30))
              : 0;
            return { failures, lockedUntil, last: at };
          }, this.policy.maxKeys);
        }
      } finally {
        // Freed once counted, so the next attempt on this node sees this one's failure.
        this.#release(key);
      }
    };
    return {
      ok: true,
      succeeded: () => settle("succeeded"),
      failed: () => settle("failed"),
      cancel: () => settle("cancel"),
    };
  }

  /** Failures counted for `key` now (for tests and the log). */
  async failures(key: string): Promise<number> {
    return this.#live(await this.persistence.get(key), this.now())?.failures ?? 0;
  }

  /** Drops keys quiet for longer than forgetAfterMs (the sweeper's); returns how many. */
  forget(): Promise<number> {
    return this.persistence.forget(this.now() - this.policy.forgetAfterMs - 1);
  }
}
