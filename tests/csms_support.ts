/**
 * Shared by the CSMS end-to-end tests: a real CSMS on a free port with a temp
 * DATA_DIR and an in-process bus, and a small OCPP 1.6 test charger that speaks
 * over a real WebSocket through the shared RPC session.
 */
import { MemoryBus } from "../shared/bus_memory.ts";
import type { BusEvent } from "../shared/events.ts";
import type { CentralSystemActions16, ChargePointActions16 } from "../shared/ocpp/actions16.ts";
import { RpcSession } from "../shared/ocpp/rpc.ts";
import { loadCsmsConfig } from "../csms/config.ts";
import { type CsmsDeps, type CsmsHandle, startCsms } from "../csms/server.ts";

/** Polls until `check` returns a truthy value; bounded, never a timing assertion. */
export async function waitFor<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface TestCsms {
  csms: CsmsHandle;
  bus: MemoryBus;
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
  const config = loadCsmsConfig({ CSMS_PORT: "0", DATA_DIR: dataDir, ...env });
  const bus = new MemoryBus();
  const events: BusEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const csms = await startCsms(config, { bus, vendors: options.vendors });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await csms.close();
    await bus.close();
  };
  return {
    csms,
    bus,
    dataDir,
    events,
    stop,
    async close() {
      await stop();
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
