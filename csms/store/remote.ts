/**
 * One store for several event loops (CSMS_WORKERS): the loop threads reach the process's one CsmsStorage
 * through a message port, and the thread that owns it (csms/loops.ts) answers. The storage contract is
 * async end to end, durability included (`durable` in a `Written` or a `StopOutcome`), so a loop sees the
 * same promises it would see in-thread: a value when the store has taken the write, and `durable` when the
 * owner's `durable` settles.
 * Nothing is decided here: every read, write and id comes from the one store, so ids stay unique, the
 * in-memory latest state stays whole, and SQLite keeps its single writer.
 *
 * Written by hand because a call has to carry the contract's two-stage answer (value, then durability),
 * which no RPC-over-postMessage library models; the rest is a map of pending calls.
 */
import type { CsmsStorage } from "../../shared/storage.ts";

/** The part of a MessagePort, Worker or worker global that carries the messages. */
export interface PortLike {
  postMessage(message: unknown): void;
  /** For data that is not plain JSON (file contents), where the port batches as JSON (BatchedPort). */
  postStructured?(message: unknown): void;
}

/** File contents are bytes: the calls that carry them, either way, cross by structured clone. */
function carriesBytes(repo: string, method: string): boolean {
  return repo === "files" || (repo === "reads" && method === "fileContent");
}

function postBytes(port: PortLike, message: unknown): void {
  if (port.postStructured) port.postStructured(message);
  else port.postMessage(message);
}

/**
 * A missing optional argument crosses as this, since JSON would make it null (and `x = default` parameters
 * take no null); arguments' own fields may simply be absent.
 */
const MISSING = { $missing: true } as const;

function encodeArgs(args: unknown[]): unknown[] {
  return args.includes(undefined) ? args.map((a) => a === undefined ? MISSING : a) : args;
}

const isMissing = (a: unknown) => (a as typeof MISSING | null)?.$missing === true;

function decodeArgs(args: unknown[]): unknown[] {
  return args.some(isMissing) ? args.map((a) => isMissing(a) ? undefined : a) : args;
}

/** The repositories a loop calls; every method of each returns a promise. */
const REPOS = [
  "chargers",
  "nodes",
  "transactions",
  "meter",
  "deviceModel",
  "configuration",
  "chargingProfiles",
  "idTokens",
  "registrations",
  "reservations",
  "localLists",
  "files",
  "reads",
] as const;
type Repo = typeof REPOS[number];

/** Best-effort writes of the contract (they return nothing): sent without waiting for any answer. */
const FIRE_AND_FORGET = new Set([".recordRefusal", ".appendEvent"]);

/**
 * A frame's arrival time crosses at most this often per charger: every frame would cross otherwise, and the
 * store keeps only the latest, written within seconds anyway (ChargerWrites.seen).
 */
export const SEEN_EVERY_MS = 1000;

/** A loop's request; `id` absent for fire-and-forget calls. `repo` "" is the storage itself. */
export interface StoreCall {
  ch: "store";
  id?: number;
  repo: Repo | "";
  method: string;
  args: unknown[];
}

/**
 * The owner's answers: the value (for a result with `durable` in it, the rest of it, and `written`: its
 * durability follows), the durability, or a failure.
 */
export type StoreReply =
  | { ch: "store"; id: number; t: "value"; value: unknown; written: boolean }
  | { ch: "store"; id: number; t: "durable"; error?: ErrorShape }
  | { ch: "store"; id: number; t: "error"; error: ErrorShape };

interface ErrorShape {
  name: string;
  message: string;
}

/** Errors a caller tells apart by class (a RangeError is a refused input: csms/admin.ts). */
const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  RangeError,
  TypeError,
  SyntaxError,
  Error,
};

function shape(err: unknown): ErrorShape {
  const e = err as Error;
  return { name: e?.name ?? "Error", message: String(e?.message ?? err) };
}

function revive(s: ErrorShape): Error {
  const err = new (ERROR_CLASSES[s.name] ?? Error)(s.message);
  if (!(s.name in ERROR_CLASSES)) err.name = s.name;
  return err;
}

/** A result carrying its durability: a `Written`, or a shape such as `StopOutcome` with `durable` in it. */
function withDurable(v: unknown): v is { durable: Promise<void> } {
  return typeof v === "object" && v !== null && (v as { durable?: unknown }).durable instanceof Promise;
}

/**
 * Answers a loop's calls on `port` with `storage`. Returns the handler for the port's messages (it ignores
 * what is not a store call). The owner never closes or prunes on a loop's behalf: those stay its own.
 */
export function serveStorage(storage: CsmsStorage, port: PortLike): (message: StoreCall) => void {
  return (call) => {
    const reply = carriesBytes(call.repo, call.method)
      ? (r: StoreReply) => postBytes(port, r)
      : (r: StoreReply) => port.postMessage(r);
    // The store's own close and prune, not a repository's (transactions.close closes a transaction).
    if (call.repo === "" && (call.method === "close" || call.method === "prune")) {
      if (call.id !== undefined) {
        reply({
          ch: "store",
          id: call.id,
          t: "value",
          value: call.method === "prune" ? 0 : undefined,
          written: false,
        });
      }
      return;
    }
    const target = (call.repo === "" ? storage : storage[call.repo]) as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const id = call.id;
    let result: unknown;
    try {
      result = target[call.method](...decodeArgs(call.args));
    } catch (err) {
      if (id !== undefined) reply({ ch: "store", id, t: "error", error: shape(err) });
      return;
    }
    if (id === undefined) return;
    Promise.resolve(result).then(
      (value) => {
        if (!withDurable(value)) return reply({ ch: "store", id, t: "value", value, written: false });
        const { durable, ...rest } = value;
        reply({ ch: "store", id, t: "value", value: rest, written: true });
        durable.then(
          () => reply({ ch: "store", id, t: "durable" }),
          (err) => reply({ ch: "store", id, t: "durable", error: shape(err) }),
        );
      },
      (err) => reply({ ch: "store", id, t: "error", error: shape(err) }),
    );
  };
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  durable?: { resolve(): void; reject(e: Error): void };
}

/** A loop's view of the owner's storage over `port`; feed the port's store replies to `receive`. */
export class RemoteStorage {
  readonly storage: CsmsStorage;
  #next = 1;
  #pending = new Map<number, Pending>();
  #closed = false;
  /** Each charger's latest frame time since the last crossing. */
  #seen = new Map<string, number>();
  #seenTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly port: PortLike) {
    const repo = (name: Repo | "") => {
      const methods = new Map<string, (...args: unknown[]) => unknown>();
      return new Proxy({}, {
        get: (_, method) => {
          if (typeof method !== "string") return undefined;
          let fn = methods.get(method);
          if (!fn) methods.set(method, fn = this.#method(name, method));
          return fn;
        },
      });
    };
    const top = repo("") as Record<string, unknown>;
    const storage: Record<string, unknown> = {
      recordRefusal: top.recordRefusal,
      appendEvent: top.appendEvent,
      prune: top.prune,
      // The loop gives the store back; the owner closes it once every loop has stopped.
      close: () => Promise.resolve(),
    };
    for (const name of REPOS) storage[name] = repo(name);
    this.storage = storage as unknown as CsmsStorage;
  }

  #method(repo: Repo | "", method: string): (...args: unknown[]) => unknown {
    if (repo === "chargers" && method === "seen") {
      return (id, atMs) => {
        if (this.#closed) return;
        this.#seen.set(id as string, atMs as number);
        this.#seenTimer ??= setTimeout(() => this.#sendSeen(), SEEN_EVERY_MS);
      };
    }
    if (FIRE_AND_FORGET.has(`${repo}.${method}`)) {
      return (...args) => {
        if (!this.#closed) {
          this.port.postMessage({ ch: "store", repo, method, args: encodeArgs(args) } satisfies StoreCall);
        }
      };
    }
    return (...args) =>
      new Promise((resolve, reject) => {
        if (this.#closed) return reject(new Error("the store's owner is gone"));
        const id = this.#next++;
        this.#pending.set(id, { resolve, reject });
        const call: StoreCall = { ch: "store", id, repo, method, args: encodeArgs(args) };
        if (carriesBytes(repo, method)) postBytes(this.port, call);
        else this.port.postMessage(call);
      });
  }

  #sendSeen(): void {
    clearTimeout(this.#seenTimer);
    this.#seenTimer = undefined;
    for (const [id, atMs] of this.#seen) {
      this.port.postMessage(
        { ch: "store", repo: "chargers", method: "seen", args: [id, atMs] } satisfies StoreCall,
      );
    }
    this.#seen.clear();
  }

  receive(reply: StoreReply): void {
    const p = this.#pending.get(reply.id);
    if (!p) return;
    if (reply.t === "error") {
      this.#pending.delete(reply.id);
      return p.reject(revive(reply.error));
    }
    if (reply.t === "value") {
      if (!reply.written) {
        this.#pending.delete(reply.id);
        return p.resolve(reply.value);
      }
      const durable = new Promise<void>((resolve, reject) => (p.durable = { resolve, reject }));
      // A write whose caller never awaits `durable` must not report an unhandled rejection.
      durable.catch(() => {});
      return p.resolve({ ...reply.value as object, durable });
    }
    this.#pending.delete(reply.id);
    if (reply.error) p.durable?.reject(revive(reply.error));
    else p.durable?.resolve();
  }

  /** Resolves once no call waits for an answer (durability included), or after `maxMs`. */
  async drain(maxMs: number): Promise<void> {
    if (!this.#closed) this.#sendSeen();
    const until = Date.now() + maxMs;
    while (this.#pending.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }

  /** Fails every call still waiting: the owner has gone. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#seenTimer);
    for (const p of this.#pending.values()) {
      const err = new Error("the store's owner is gone");
      p.durable ? p.durable.reject(err) : p.reject(err);
    }
    this.#pending.clear();
  }
}
