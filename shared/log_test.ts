import assert from "node:assert/strict";
import { configureLog, formatRecord, logger, type LogLevel } from "./log.ts";

const at = new Date("2025-03-01T12:00:00.000Z");

Deno.test("log: the readable format is the source, the charger in brackets, the message, then the error", () => {
  assert.equal(
    formatRecord({ time: at, level: "info", source: "csms", msg: "started" }, "text"),
    "csms: started",
  );
  assert.equal(
    formatRecord({ time: at, level: "warn", source: "csms", charger: "CP-1", msg: "late answer" }, "text"),
    "csms: [CP-1] late answer",
  );
  assert.equal(
    formatRecord({ time: at, level: "info", source: "csms", msg: "CSMS: up\n  Data: x", bare: true }, "text"),
    "CSMS: up\n  Data: x",
  );
  // Fields other than the error are for the JSON format: the readable line stays as it was.
  assert.equal(
    formatRecord({
      time: at,
      level: "error",
      source: "csms",
      msg: "command Reset to CP-1 failed:",
      fields: { chargerId: "CP-1", action: "Reset", error: new Error("boom") },
    }, "text").split("\n")[0],
    "csms: command Reset to CP-1 failed: Error: boom",
  );
});

Deno.test("log: the JSON format is one object a line: time, level, node, source, msg, chargerId, fields", () => {
  const line = formatRecord({
    time: at,
    level: "warn",
    node: "csms-1",
    source: "csms",
    charger: "CP-7",
    msg: "a\nb",
    fields: { action: "Reset", count: 2, time: "not mine", error: new TypeError("bad") },
  }, "json");
  assert.ok(!line.includes("\n"), line);
  const o = JSON.parse(line);
  assert.deepEqual(Object.keys(o), [
    "time",
    "level",
    "node",
    "source",
    "msg",
    "chargerId",
    "action",
    "count",
    "error",
  ]);
  assert.equal(o.time, "2025-03-01T12:00:00.000Z");
  assert.equal(o.level, "warn");
  assert.equal(o.node, "csms-1");
  assert.equal(o.msg, "a\nb");
  assert.equal(o.chargerId, "CP-7");
  assert.equal(o.count, 2);
  assert.match(o.error, /^TypeError: bad\n\s+at /);
  // No node, no charger: neither key.
  assert.deepEqual(
    JSON.parse(formatRecord({ time: at, level: "info", source: "web", msg: "x" }, "json")),
    { time: "2025-03-01T12:00:00.000Z", level: "info", source: "web", msg: "x" },
  );
  // A field JSON cannot hold does not lose the line.
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const o2 = JSON.parse(
    formatRecord({ time: at, level: "info", source: "web", msg: "x", fields: { circular } }, "json"),
  );
  assert.equal(o2.circular, "[object Object]");
});

Deno.test("log: LOG_LEVEL drops lines below it; warn and error are told apart from info for the stream", () => {
  const lines: Array<[LogLevel, string]> = [];
  configureLog({ sink: (level, line) => lines.push([level, line]), level: "warn", format: "text" });
  try {
    const log = logger("csms");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.charger("CP-1").error("e");
    // A banner may hold what is shown only once (a generated password): whatever the level.
    log.banner("Portal: http://x");
    assert.deepEqual(lines, [["warn", "csms: w"], ["error", "csms: [CP-1] e"], ["info", "Portal: http://x"]]);
    assert.equal(log.enabled("info"), false);
    lines.length = 0;
    configureLog({ level: "debug", format: "json", node: "n1" });
    log.debug("d", { chargerId: "CP-2" });
    assert.equal(lines.length, 1);
    assert.deepEqual(
      { ...JSON.parse(lines[0][1]), time: "" },
      { time: "", level: "debug", node: "n1", source: "csms", msg: "d", chargerId: "CP-2" },
    );
  } finally {
    configureLog({ sink: null, level: "info", format: "text" });
  }
});
