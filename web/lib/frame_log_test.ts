import assert from "node:assert/strict";
import { FrameLog } from "./frame_log.ts";

const entry = (chargerId: string, n: number) => ({
  chargerId,
  at: new Date(n).toISOString(),
  direction: "in" as const,
  messageType: 2 as const,
  messageId: String(n),
  text: `[2,"${n}","Heartbeat",{}]`,
});

Deno.test("frame log: a bounded ring per charger, oldest first", () => {
  const log = new FrameLog(3);
  for (let i = 1; i <= 5; i++) log.push(entry("A", i));
  log.push(entry("B", 9));
  assert.deepEqual(log.recent("A").map((e) => e.messageId), ["3", "4", "5"]);
  assert.deepEqual(log.recent("A", 2).map((e) => e.messageId), ["4", "5"]);
  assert.deepEqual(log.recent("B").map((e) => e.messageId), ["9"]);
  assert.deepEqual(log.recent("nobody"), []);
  assert.deepEqual(log.recent("A", 0), []);
});

Deno.test("frame log: direction, message type, id, action and time come back as pushed", () => {
  const log = new FrameLog(8);
  const kinds = [["in", 2], ["out", 3], ["out", 4], ["in", 0], ["out", 2], ["in", 3]] as const;
  kinds.forEach(([direction, messageType], i) =>
    log.push({
      chargerId: "C",
      at: new Date(1_767_225_600_123 + i).toISOString(),
      direction,
      messageType,
      messageId: `m${i}`,
      ...(i % 2 === 0 && { action: "Heartbeat" }),
      text: `t${i}`,
    })
  );
  assert.deepEqual(
    log.recent("C").map((e) => [e.direction, e.messageType, e.messageId, e.action, e.text, e.at]),
    kinds.map(([d, m], i) => [
      d,
      m,
      `m${i}`,
      i % 2 === 0 ? "Heartbeat" : undefined,
      `t${i}`,
      new Date(1_767_225_600_123 + i).toISOString(),
    ]),
  );
});

Deno.test("frame log: rings of gone chargers are kept up to a bound, oldest dropped first", () => {
  const log = new FrameLog(4, 2);
  for (const id of ["A", "B", "C", "D"]) log.push(entry(id, 1));
  log.offline("A");
  log.offline("B");
  log.online("C");
  log.offline("C");
  assert.deepEqual(["A", "B", "C", "D"].map((id) => log.recent(id).length), [0, 1, 1, 1]);
  log.online("B"); // back: no longer a candidate
  log.offline("D");
  assert.deepEqual(["B", "C", "D"].map((id) => log.recent(id).length), [1, 1, 1]);
});

Deno.test("frame log: ids are given back whether or not they could be read from the text", () => {
  const log = new FrameLog(8);
  const texts: Array<[string, string]> = [
    ['[2,"abc","Heartbeat",{}]', "abc"],
    ['[2, "spaced","Heartbeat",{}]', "spaced"],
    ['[2,"q\\"x","Heartbeat",{}]', 'q"x'],
    ["garbage", "-1"],
    ['[3,"-1",{}]', "-1"],
  ];
  for (const [text, messageId] of texts) {
    log.push({
      chargerId: "C",
      at: new Date(0).toISOString(),
      direction: "in",
      messageType: 2,
      messageId,
      text,
    });
  }
  assert.deepEqual(log.recent("C").map((e) => e.messageId), texts.map(([, id]) => id));
});

Deno.test("frame log: frames sharing a time, then another, each keep their own", () => {
  const log = new FrameLog(8);
  const times = [5, 5, 7, 5, 5, 1_767_225_600_000];
  times.forEach((n, i) => log.push({ ...entry("T", n), messageId: `m${i}` }));
  log.push(entry("U", 5));
  assert.deepEqual(log.recent("T").map((e) => e.at), times.map((n) => new Date(n).toISOString()));
  assert.deepEqual(log.recent("U").map((e) => e.at), [new Date(5).toISOString()]);
});
