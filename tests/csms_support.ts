/**
 * Shared by the CSMS end-to-end tests: a real CSMS on a free port with a temp
 * DATA_DIR and an in-process bus, and a small OCPP 1.6 test charger that speaks
 * over a real WebSocket through the shared RPC session.
 */
export { freePort } from "./ports.ts";
import type { IncomingMessage } from "node:http";
import WsClient from "ws";
import { basicAuth } from "../charger/transport.ts";
import { MemoryBus } from "../shared/bus_memory.ts";
import { RedisBus } from "../shared/bus_redis.ts";
import type { AdminKind, AdminRequest, AdminResponses } from "../shared/admin.ts";
import type { Bus, BusEvent } from "../shared/events.ts";
import type { CsmsReads, RegisterChargerOptions } from "../shared/queries.ts";
import type { CentralSystemActions16, ChargePointActions16 } from "../shared/ocpp/actions16.ts";
import { RpcSession } from "../shared/ocpp/rpc.ts";
import { generateNodeId, loadCsmsConfig } from "../csms/config.ts";
import { type CsmsDeps, type CsmsHandle, startCsms } from "../csms/server.ts";
import { waitFor as poll } from "./wait.ts";
import { releaseEngines, teeEvents, testEnginesFor } from "./cluster_support.ts";

/**
 * Polls until `check` returns a truthy value; bounded, never a timing assertion. These tests wait on a
 * CSMS in their own process, so they look more often and give up sooner than the portal's.
 */
export function waitFor<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return poll(check, what, timeoutMs, 10);
}

/**
 * The operator's writes as the portal makes them: admin requests over the bus, served by the CSMS. A
 * request the CSMS answers `invalid` rejects with a RangeError carrying its message, as the store's own
 * checks did when the tests called them directly.
 */
export class TestAdmin {
  constructor(private readonly bus: Bus) {}

  async request<K extends AdminKind>(
    request: Extract<AdminRequest, { kind: K }>,
  ): Promise<AdminResponses[K]> {
    const result = await this.bus.admin<K>(request);
    if (!result.ok) throw new RangeError(result.message);
    return result.value;
  }

  registerCharger(chargerId: string, options: RegisterChargerOptions = {}) {
    return this.request<"registration.put">({ kind: "registration.put", chargerId, options });
  }

  unregisterCharger(chargerId: string): Promise<boolean> {
    return this.request<"registration.delete">({ kind: "registration.delete", chargerId });
  }

  closeTransaction(transactionId: number, close: { by: string; reason: string }) {
    return this.request<"transaction.close">({ kind: "transaction.close", transactionId, ...close });
  }

  upsertIdTag(tag: Extract<AdminRequest, { kind: "idtag.put" }>["tag"]) {
    return this.request<"idtag.put">({ kind: "idtag.put", tag });
  }

  deleteIdTag(idTag: string): Promise<boolean> {
    return this.request<"idtag.delete">({ kind: "idtag.delete", idTag });
  }
}

export interface TestCsms {
  csms: CsmsHandle;
  /** The CSMS's read model (`csms.storage.reads`). */
  reads: CsmsReads;
  /** Admin requests over the bus. */
  admin: TestAdmin;
  /**
   * The bus as the portal would use it: the CSMS's in-process bus, or under
   * CHARGEWIRE_TEST_ENGINES=postgres-redis a Redis bus of the test's own (commands and admin requests cross Redis).
   */
  bus: Bus;
  dataDir: string;
  events: BusEvent[];
  /** Stops this CSMS only; the data dir stays (for restart tests). */
  stop(): Promise<void>;
  /** Stops the CSMS and removes the data dir. */
  close(): Promise<void>;
}

export async function startTestCsms(
  env: Record<string, string> = {},
  options: { dataDir?: string; vendors?: CsmsDeps["vendors"] } = {},
): Promise<TestCsms> {
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "csms_test_" });
  // Under CHARGEWIRE_TEST_ENGINES=postgres-redis: this data dir's own PostgreSQL database and Redis number.
  const engines = await testEnginesFor(dataDir);
  const config = loadCsmsConfig({ CSMS_PORT: "0", DATA_DIR: dataDir, ...engines?.env, ...env });
  const events: BusEvent[] = [];
  let csmsBus: Bus;
  let bus: Bus;
  if (engines) {
    config.nodeId ??= generateNodeId();
    csmsBus = await RedisBus.connect(engines.env.REDIS_URL, { node: config.nodeId });
    // What the CSMS publishes, as it publishes it (the test's view does not wait on Redis's round trip).
    teeEvents(csmsBus, events);
    bus = await RedisBus.connect(engines.env.REDIS_URL, { node: `test-${crypto.randomUUID().slice(0, 8)}` });
  } else {
    bus = csmsBus = new MemoryBus();
    bus.subscribe((e) => events.push(e));
  }
  let csms: CsmsHandle;
  try {
    csms = await startCsms(config, { bus: csmsBus, vendors: options.vendors });
  } catch (err) {
    await Promise.all([csmsBus.close(), bus.close()]);
    if (!options.dataDir) await releaseEngines(dataDir);
    throw err;
  }
  if (engines) {
    // The node serves commands and admin requests once its Redis subscriptions and lease are in place,
    // a moment after start: until then a request finds no live node (see the report of issue 12's tests).
    const node = config.nodeId!;
    await poll(async () => (await (bus as RedisBus).liveNodes()).includes(node), "the CSMS node to serve");
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await csms.close();
    await Promise.all([csmsBus.close(), bus.close()]);
  };
  return {
    csms,
    reads: csms.storage.reads,
    admin: new TestAdmin(bus),
    bus,
    dataDir,
    events,
    stop,
    async close() {
      await stop();
      await releaseEngines(dataDir);
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

export type ChargerSession = RpcSession<CentralSystemActions16, ChargePointActions16>;

/** A test charge point: a Deno WebSocket plus the shared RPC session, answering what tests register. */
export class TestCharger {
  readonly received: string[] = [];
  closeEvent?: CloseEvent;
  readonly #closed = Promise.withResolvers<CloseEvent>();

  private constructor(readonly id: string, readonly ws: WebSocket, readonly session: ChargerSession) {
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      this.received.push(e.data);
      session.receive(e.data);
    };
    ws.onclose = (e) => {
      this.closeEvent = e;
      session.close(`closed ${e.code}`);
      this.#closed.resolve(e);
    };
  }

  static async connect(
    url: string,
    id: string,
    options: { protocols?: string[]; callTimeoutMs?: number } = {},
  ): Promise<TestCharger> {
    const ws = new WebSocket(`${url}/${encodeURIComponent(id)}`, options.protocols ?? ["ocpp1.6"]);
    const session: ChargerSession = new RpcSession({
      version: "ocpp1.6",
      send: (text) => ws.send(text),
      callTimeoutMs: options.callTimeoutMs ?? 5000,
      log: () => {},
    });
    const charger = new TestCharger(id, ws, session);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`could not connect ${id}`));
    });
    ws.onerror = () => {};
    return charger;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Resolves with the close event once the socket is closed (by either side). */
  closed(): Promise<CloseEvent> {
    return this.#closed.promise;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) {
      await this.#closed.promise;
      return;
    }
    this.ws.close(1000);
    await this.#closed.promise;
  }

  /** Sends raw text and waits for the next frame the CSMS sends back. */
  async sendRaw(text: string | ArrayBuffer): Promise<unknown> {
    const before = this.received.length;
    this.ws.send(text);
    const reply = await waitFor(() => this.received[before], "a reply to a raw frame", 5000);
    return JSON.parse(reply);
  }

  boot() {
    return this.session.call("BootNotification", {
      chargePointVendor: "Chargewire",
      chargePointModel: "TestCharger",
      chargePointSerialNumber: `SN-${this.id}`,
      firmwareVersion: "1.0.0",
    });
  }

  /**
   * Connector 1 goes Charging, a transaction starts and one meter sample arrives (power, energy register,
   * SoC when given): a charger that is charging, for pages and charts to show. Resolves with its id.
   */
  async chargeOnce(
    o: { idTag: string; meterStartWh: number; powerW: number; energyWh: number; socPercent?: number },
  ) {
    const now = () => new Date().toISOString();
    await this.session.call("StatusNotification", {
      connectorId: 1,
      errorCode: "NoError",
      status: "Charging",
      timestamp: now(),
    });
    const { transactionId } = await this.session.call("StartTransaction", {
      connectorId: 1,
      idTag: o.idTag,
      meterStart: o.meterStartWh,
      timestamp: now(),
    }) as { transactionId: number };
    await this.session.call("MeterValues", {
      connectorId: 1,
      transactionId,
      meterValue: [{
        timestamp: now(),
        sampledValue: [
          { value: String(o.powerW), measurand: "Power.Active.Import", unit: "W" },
          { value: String(o.energyWh), measurand: "Energy.Active.Import.Register", unit: "Wh" },
          ...(o.socPercent === undefined
            ? []
            : [{ value: String(o.socPercent), measurand: "SoC" as const, unit: "Percent" as const }]),
        ],
      }],
    });
    return transactionId;
  }
}

export interface Attempt {
  status?: number;
  body?: string;
  wwwAuthenticate?: string;
  opened: boolean;
  error?: string;
  /** For an opened socket: the close code when the CSMS closed it (see `keepOpen`). */
  closeCode?: number;
}

export interface AttemptOptions {
  /** HTTP Basic auth with this password, and the id in the URL (or `user`) as the user name. */
  password?: string;
  user?: string;
  /** A CA to trust (wss://). */
  ca?: string;
  /** Keep an opened socket open until this resolves. */
  keepOpen?: Promise<void>;
  /** The subprotocols offered (default ocpp1.6). */
  protocols?: string[];
  /** The source address to connect from (any of 127.0.0.0/8 on Linux loopback). */
  localAddress?: string;
}

/**
 * One handshake with npm:ws, which reports the HTTP status of a refusal (Deno's client does not). An
 * opened socket is closed at once unless `keepOpen` is given, in which case the attempt resolves when
 * `keepOpen` resolves or the CSMS closes the socket.
 */
export function attempt(url: string, options: AttemptOptions = {}): Promise<Attempt> {
  return new Promise((resolve) => {
    const result: Attempt = { opened: false };
    const headers: Record<string, string> = {};
    if (options.password !== undefined) {
      headers.authorization = basicAuth(options.user ?? url.split("/").pop()!, options.password);
    }
    const ws = new WsClient(url, options.protocols ?? ["ocpp1.6"], {
      headers,
      ...(options.ca && { ca: options.ca }),
      ...(options.localAddress && { localAddress: options.localAddress }),
    });
    ws.on("unexpected-response", (_req, res: IncomingMessage) => {
      result.status = res.statusCode;
      result.wwwAuthenticate = res.headers["www-authenticate"] as string | undefined;
      let body = "";
      res.on("data", (c: Uint8Array) => body += new TextDecoder().decode(c));
      res.on("end", () => {
        result.body = body;
        ws.terminate();
      });
    });
    ws.on("upgrade", (res: IncomingMessage) => result.status = res.statusCode);
    ws.on("open", () => {
      result.opened = true;
      if (options.keepOpen) options.keepOpen.then(() => ws.close(1000));
      else ws.close(1000);
    });
    ws.on("error", (e: Error) => result.error = e.message);
    ws.on("close", (code: number) => {
      if (result.opened) result.closeCode = code;
      resolve(result);
    });
  });
}

/** The events of one type, narrowed. */
export function eventsOf<T extends BusEvent["type"]>(
  events: BusEvent[],
  type: T,
  chargerId?: string,
): Extract<BusEvent, { type: T }>[] {
  return events.filter((e): e is Extract<BusEvent, { type: T }> =>
    e.type === type && (chargerId === undefined || e.chargerId === chargerId)
  );
}

/** Whether `openssl` can be run here: the TLS tests skip, saying so, without it. */
export const HAS_OPENSSL = (() => {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

export interface TestCertificates {
  /** The test CA's certificate: what a client trusts (DENO_CERT, npm:ws's `ca`). */
  caFile: string;
  /** The server's certificate (for 127.0.0.1 and localhost, signed by the CA) and its key. */
  certFile: string;
  keyFile: string;
}

/** Makes a throwaway CA and a server certificate for 127.0.0.1 with openssl, in `dir`. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const run = async (args: string[]) => {
    const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n" +
      "extendedKeyUsage=serverAuth\n",
  );
  await run([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Test CA",
  ]);
  await run(["req", ...ec, "-keyout", "key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  await run([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "cert.pem",
    "-days",
    "2",
    "-extfile",
    "server.ext",
  ]);
  return { caFile: `${dir}/ca.pem`, certFile: `${dir}/cert.pem`, keyFile: `${dir}/key.pem` };
}

/** The charger simulator's CLI as a child process with `--log json`: its events as they come. */
export class ChargerProcess {
  readonly events: Array<Record<string, unknown>> = [];
  stderr = "";
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<void>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../charger/main.ts", import.meta.url).pathname, "--log", "json", ...args],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = async () => {
      let buf = "";
      for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            this.events.push(JSON.parse(line));
          } catch { /* a summary line */ }
        }
      }
    };
    const errors = async () => {
      for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) this.stderr += chunk;
    };
    this.#done = Promise.all([lines(), errors()]).then(() => {});
  }

  of(type: string): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.type === type);
  }

  /** Stops the charger (SIGTERM: a clean stop) and waits for it to exit. */
  async stop(): Promise<number> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* already gone */ }
    const status = await this.#child.status;
    await this.#done;
    return status.code;
  }
}

/** `csms/main.ts` as a child process, so that a crash (or a SIGKILL) is a real process exit. */
export class CsmsProcess {
  stderr = "";
  exited?: Deno.CommandStatus;
  readonly #child: Deno.ChildProcess;
  readonly #status: Promise<Deno.CommandStatus>;
  readonly #streams: Promise<void>;

  private constructor(child: Deno.ChildProcess, readonly url: string, stdout: Promise<void>) {
    this.#child = child;
    this.#status = child.status.then((s) => this.exited = s);
    const errors = (async () => {
      for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) this.stderr += c;
    })();
    this.#streams = Promise.all([stdout, errors]).then(() => {});
  }

  get pid(): number {
    return this.#child.pid;
  }

  /**
   * Starts the CSMS and resolves once it prints its endpoint. Under CHARGEWIRE_TEST_ENGINES=postgres-redis
   * it runs on a PostgreSQL database and Redis number of its DATA_DIR's own, dropped once it has exited
   * and `status()` has been awaited (so a restart on the same DATA_DIR finds an empty database there).
   */
  static async start(env: Record<string, string>): Promise<CsmsProcess> {
    const key = env.DATA_DIR ?? `csms-process-${crypto.randomUUID()}`;
    const engines = env.DATABASE_URL === undefined ? await testEnginesFor(key) : undefined;
    try {
      // One event loop unless the test asks for more, whatever the default: each loop is a thread loading
      // the whole CSMS (tests/csms_workers_test.ts and a few others run several).
      const started = await CsmsProcess.#start({ CSMS_WORKERS: "1", ...engines?.env, ...env });
      if (engines) started.#release = () => releaseEngines(key);
      return started;
    } catch (err) {
      if (engines) await releaseEngines(key);
      throw err;
    }
  }

  #release?: () => Promise<void>;

  static async #start(env: Record<string, string>): Promise<CsmsProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../csms/main.ts", import.meta.url).pathname],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const found = Promise.withResolvers<string>();
    const stdout = (async () => {
      let out = "";
      for await (const c of child.stdout.pipeThrough(new TextDecoderStream())) {
        out += c;
        const url = out.match(/(wss?:\/\/\S+\/ocpp)\//)?.[1];
        if (url) found.resolve(url);
      }
      found.reject(new Error(`the CSMS exited before printing its endpoint`));
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const url = await Promise.race([
        found.promise,
        new Promise<never>((_, reject) =>
          timer = setTimeout(() => reject(new Error("no CSMS endpoint")), 60_000)
        ),
      ]);
      return new CsmsProcess(child, url, stdout);
    } catch (err) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await stdout.catch(() => {});
      await child.stderr.cancel();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: Deno.Signal): void {
    try {
      this.#child.kill(signal);
    } catch { /* already gone */ }
  }

  /** Waits for the process to exit and its output to end. */
  async status(): Promise<Deno.CommandStatus> {
    const s = await this.#status;
    await this.#streams;
    const release = this.#release;
    this.#release = undefined;
    await release?.();
    return s;
  }
}
