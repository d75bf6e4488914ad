import assert from "node:assert/strict";
import { diagnosticsText, EventJournal, eventsWithin, uploadFileName } from "./diagnostics_file.ts";
import type { ChargerEventRecord } from "./events.ts";

const ev = (at: number, message: string): ChargerEventRecord => ({
  type: "warning",
  message,
  chargerId: "CP",
  at,
});

Deno.test("diagnostics file: only the events within the window, with the configuration", () => {
  const events = [ev(1000, "a"), ev(2000, "b"), ev(3000, "c")];
  assert.deepEqual(eventsWithin(events, 1500, 2500).map((e) => e.at), [2000]);
  assert.deepEqual(eventsWithin(events, undefined, undefined).length, 3);
  const text = diagnosticsText({
    title: "T",
    chargerId: "CP",
    firmwareVersion: "1.0",
    generatedAtMs: 4000,
    fromMs: 1500,
    configuration: [{ key: "HeartbeatInterval", value: "60" }, { key: "AuthorizationKey" }],
    events,
  });
  assert.match(text, /^# T\ncharger: CP\nfirmware: 1.0\n/);
  assert.match(text, /HeartbeatInterval=60\nAuthorizationKey=\n/);
  assert.match(text, /## events \(2\)\n1970-01-01T00:00:02.000Z warning {"message":"b"}\n/);
  assert.doesNotMatch(text, /"a"/);
});

Deno.test("diagnostics file: a safe name with the time", () => {
  assert.equal(
    uploadFileName("diagnostics", "CP/1 x", Date.UTC(2026, 0, 2, 3, 4, 5, 600)),
    "diagnostics-CP_1_x-20260102T030405Z.txt",
  );
});

Deno.test("diagnostics file: the journal keeps the newest events", () => {
  const j = new EventJournal(2);
  for (let i = 0; i < 5; i++) j.add(ev(i, String(i)));
  assert.deepEqual(j.all().map((e) => e.at), [3, 4]);
});
