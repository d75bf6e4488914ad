/**
 * Login attempts per key (username + address, or address alone): after a few failures the key is locked,
 * and each further failure locks it for twice as long as the last (5 s, 10 s, 20 s … up to a cap), until
 * a success or a quiet spell clears it. Attempts on one key run one after another (`maxInFlight`), so a burst of parallel
 * guesses cannot slip in before the first failure is counted, nor pile up password hashing. Pure logic
 * with an injected clock; the keys live in memory (bounded), and failures and lockouts are also handed to
 * an optional persistence (portal.db), read back at start, so a restart does not forget them.
 */

export interface LimiterPolicy {
  /** Failures that lock the key (the first lockout comes with this one). */
  lockAfterFailures: number;
  /** The first lockout; each further failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no attempt for this long starts afresh. */
  forgetAfterMs: number;
  /** Attempts on one key being checked at the same time. */
  maxInFlight: number;
  /** Keys remembered at most; the least recently used go first. */
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

/** What outlives a restart about a key: attempts in flight do not. */
export interface LimiterState {
  failures: number;
  lockedUntil: number;
  /** The last attempt's time. */
  last: number;
}

/** Where a limiter keeps its keys' state; every call is synchronous, so the limiter stays race-free. */
export interface LimiterPersistence {
  /** Every key kept, least recently used first. */
  load(): Iterable<[string, LimiterState]>;
  save(key: string, state: LimiterState): void;
  remove(key: string): void;
}

interface Entry extends LimiterState {
  inFlight: number;
}

export type Admission =
  | { ok: true; succeeded(): void; failed(): void; cancel(): void }
  | { ok: false; retryAfterMs: number };

export class LoginLimiter {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly policy: LimiterPolicy,
    private readonly now: () => number = Date.now,
    private readonly persistence?: LimiterPersistence,
  ) {
    if (!persistence) return;
    const t = now();
    for (const [key, state] of persistence.load()) {
      if (t - state.last > policy.forgetAfterMs) persistence.remove(key);
      else this.#entries.set(key, { ...state, inFlight: 0 });
    }
    this.#evict();
  }

  #evict(): void {
    while (this.#entries.size > this.policy.maxKeys) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
      this.persistence?.remove(oldest);
    }
  }

  #entry(key: string, t: number): Entry {
    let e = this.#entries.get(key);
    if (e && e.inFlight === 0 && t - e.last > this.policy.forgetAfterMs) {
      e = undefined;
      this.persistence?.remove(key);
    }
    if (!e) e = { failures: 0, lockedUntil: 0, inFlight: 0, last: t };
    // Re-inserting keeps the map in least-recently-used order for eviction.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    this.#evict();
    return e;
  }

  /** Asks to check a password for `key`; a refusal says how long to wait. */
  begin(key: string): Admission {
    const t = this.now();
    const e = this.#entry(key, t);
    if (e.lockedUntil > t) return { ok: false, retryAfterMs: e.lockedUntil - t };
    if (e.inFlight >= this.policy.maxInFlight) return { ok: false, retryAfterMs: 1000 };
    e.inFlight++;
    e.last = t;
    let settled = false;
    const settle = (outcome: "succeeded" | "failed" | "cancel") => {
      if (settled) return;
      settled = true;
      e.inFlight--;
      const at = this.now();
      e.last = at;
      if (outcome === "succeeded") {
        // Only a key with failures has anything kept (a key's first success removes nothing).
        if (e.failures > 0) this.persistence?.remove(key);
        e.failures = 0;
        e.lockedUntil = 0;
      } else if (outcome === "failed") {
        e.failures++;
        const over = e.failures - this.policy.lockAfterFailures;
        if (over >= 0) {
          const lock = Math.min(this.policy.maxLockMs, this.policy.baseLockMs * 2 ** Math.min(over, 30));
          e.lockedUntil = at + lock;
        }
        // Counted before the answer goes out, so a restart right after it still knows.
        this.persistence?.save(key, { failures: e.failures, lockedUntil: e.lockedUntil, last: e.last });
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
  failures(key: string): number {
    return this.#entries.get(key)?.failures ?? 0;
  }

  get size(): number {
    return this.#entries.size;
  }
}
