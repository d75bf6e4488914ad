/** The in-process Bus, for `deno task dev` and tests: CSMS and web bridge in one process. */
import type { AdminHandler, AdminKind, AdminRequest, AdminResult } from "./admin.ts";
import { type BusListener, deliver } from "./bus_listeners.ts";
import type { Bus, BusEvent, CommandHandler } from "./events.ts";

export class MemoryBus implements Bus {
  #listeners = new Set<BusListener>();
  #handler?: CommandHandler;
  #admin?: AdminHandler;

  publish(event: BusEvent): void {
    deliver(this.#listeners, event);
  }

  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sendCommand: Bus["sendCommand"] = async (chargerId, action, payload, options) => {
    if (!this.#handler) {
      return { ok: false, error: "unavailable", message: "no CSMS is serving commands" };
    }
    return await this.#handler({
      commandId: crypto.randomUUID(),
      chargerId,
      action,
      payload,
      timeoutMs: options?.timeoutMs,
    });
  };

  serveCommands(handler: CommandHandler): () => void {
    this.#handler = handler;
    return () => {
      if (this.#handler === handler) this.#handler = undefined;
    };
  }

  async admin<K extends AdminKind>(request: Extract<AdminRequest, { kind: K }>): Promise<AdminResult<K>> {
    if (!this.#admin) {
      return { ok: false, error: "unavailable", message: "no CSMS is serving admin requests" };
    }
    return await this.#admin(request) as AdminResult<K>;
  }

  serveAdmin(handler: AdminHandler): () => void {
    this.#admin = handler;
    return () => {
      if (this.#admin === handler) this.#admin = undefined;
    };
  }

  /** In one process there is nothing to reach. */
  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.#listeners.clear();
    this.#handler = undefined;
    this.#admin = undefined;
    return Promise.resolve();
  }
}
