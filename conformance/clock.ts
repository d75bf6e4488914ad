/**
 * Time for the runner and its cases, injected so that the runner's own tests can drive a case's waits
 * without real waiting, and so that timing rules (a heartbeat's interval) are measured on one clock.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The wall-clock time for OCPP timestamps. */
  isoNow(): string;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
  isoNow: () => new Date().toISOString(),
};
