/**
 * The current time as an ISO 8601 string. Frames, events and answers all stamp
 * the time; under load many share a millisecond, so the last string is reused
 * instead of formatting a new one each time.
 */
let lastMs = -1;
let lastIso = "";

export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

export function isoNow(): string {
  return isoAt(Date.now());
}
