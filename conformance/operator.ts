/**
 * Who makes the CSMS under test act, in csms mode. A case needs the CSMS to hold a state (a boot status
 * for our station, an id tag's status) or to send a command; the prompt operator asks a person on the
 * terminal, with a time limit, and the Chargewire operator does it through a Chargewire CSMS's REST API
 * (docs/api.md), so that the catalogue runs unattended.
 */
import type { JsonObject } from "../shared/ocpp/frames.ts";
import type { Clock } from "./clock.ts";

export type Arrangement =
  | { kind: "boot-status"; stationId: string; status: "Accepted" | "Pending" | "Rejected" }
  | {
    kind: "id-tag";
    idTag: string;
    status: "Accepted" | "Blocked" | "Expired" | "Invalid";
    expiryDate?: string;
  };

export interface Command {
  stationId: string;
  action: string;
  payload: JsonObject;
}

/** done: it holds now; refused: this operator cannot (the reason is in `why`); timeout: nobody confirmed. */
export type ArrangeOutcome = { done: true } | { done: false; why: string };

export interface Operator {
  arrange(a: Arrangement, limitMs: number): Promise<ArrangeOutcome>;
  /** Asks for a command and returns at once; the case waits for the CALL itself. */
  ask(c: Command, limitMs: number, note: (line: string) => void): void;
}

export function describeArrangement(a: Arrangement): string {
  if (a.kind === "boot-status") return `answer BootNotification from station ${a.stationId} with ${a.status}`;
  return `know id token ${a.idTag} as ${a.status}${a.expiryDate ? ` (expiry ${a.expiryDate})` : ""}`;
}

export function describeCommand(c: Command): string {
  return `send ${c.action} ${JSON.stringify(c.payload)} to station ${c.stationId}`;
}

/** Lines from stdin, one reader for the whole run. */
export class LineReader {
  #lines: string[] = [];
  #waiters: (() => void)[] = [];
  #ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    void this.#pump(stream);
  }

  async #pump(stream: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let partial = "";
    try {
      for await (const chunk of stream) {
        const parts = (partial + decoder.decode(chunk, { stream: true })).split("\n");
        partial = parts.pop()!;
        this.#lines.push(...parts);
        this.#wake();
      }
    } finally {
      this.#ended = true;
      this.#wake();
    }
  }

  #wake() {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next line, or undefined at the end of input or after `limitMs`. */
  async next(clock: Clock, limitMs: number): Promise<string | undefined> {
    const deadline = clock.now() + limitMs;
    while (this.#lines.length === 0 && !this.#ended && clock.now() < deadline) {
      const stop = new AbortController();
      this.#waiters.push(() => stop.abort());
      await clock.sleep(deadline - clock.now(), stop.signal);
    }
    return this.#lines.shift();
  }
}

/** Asks a person: prints what to do and, for an arrangement, waits for Enter within the limit. */
export class PromptOperator implements Operator {
  constructor(
    private readonly clock: Clock,
    private readonly input: LineReader,
    private readonly print: (line: string) => void,
  ) {}

  async arrange(a: Arrangement, limitMs: number): Promise<ArrangeOutcome> {
    this.print(
      `  >> Make the CSMS ${describeArrangement(a)}, then press Enter (${Math.round(limitMs / 1000)} s).`,
    );
    const line = await this.input.next(this.clock, limitMs);
    return line === undefined
      ? { done: false, why: `nobody confirmed "${describeArrangement(a)}" in time` }
      : {
        done: true,
      };
  }

  ask(c: Command, limitMs: number): void {
    this.print(`  >> Make the CSMS ${describeCommand(c)} (waiting ${Math.round(limitMs / 1000)} s).`);
  }
}

/** Drives a Chargewire CSMS through its REST API with an API token (an admin's: registrations need it). */
export class ChargewireOperator implements Operator {
  readonly #base: string;
  constructor(apiUrl: string, private readonly token: string) {
    this.#base = apiUrl.replace(/\/+$/, "").replace(/\/api\/v1$/, "") + "/api/v1";
  }

  async #request(method: string, path: string, body?: unknown, signal?: AbortSignal) {
    const res = await fetch(`${this.#base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    return { status: res.status, text };
  }

  async arrange(a: Arrangement, limitMs: number): Promise<ArrangeOutcome> {
    const signal = AbortSignal.timeout(limitMs);
    try {
      const res = a.kind === "boot-status"
        ? await this.#request("PUT", `/registrations/${encodeURIComponent(a.stationId)}`, {
          bootStatus: a.status,
        }, signal)
        : await this.#request(
          "PUT",
          `/id-tags/${encodeURIComponent(a.idTag)}`,
          { status: a.status, ...(a.expiryDate && { expiryDate: a.expiryDate }) },
          signal,
        );
      if (res.status >= 200 && res.status < 300) return { done: true };
      return { done: false, why: `the REST API answered ${res.status}: ${res.text.slice(0, 200)}` };
    } catch (err) {
      return { done: false, why: `the REST API failed: ${err instanceof Error ? err.message : err}` };
    }
  }

  ask(c: Command, limitMs: number, note: (line: string) => void): void {
    const path = `/chargers/${encodeURIComponent(c.stationId)}/commands/${encodeURIComponent(c.action)}` +
      `?timeoutMs=${Math.max(1000, Math.round(limitMs))}`;
    note(`asked the CSMS over REST: ${describeCommand(c)}`);
    this.#request("POST", path, c.payload, AbortSignal.timeout(limitMs + 5000)).then(
      (res) => note(`REST command answer ${res.status}: ${res.text.slice(0, 300)}`),
      (err) => note(`REST command failed: ${err instanceof Error ? err.message : err}`),
    );
  }
}
