/** The in-process Bus, for `deno task dev` and tests: CSMS and web bridge in one process. */
import type { AdminHandler, AdminKind, AdminRequest, AdminResult } from "./admin.ts";
import type { Bus, BusEvent, CommandHandler } from "./events.ts";

export class MemoryBus implements Bus {
  #listeners = new Set<(event: BusEvent) => void>();
  #handler?: CommandHandler;
  #admin?: AdminHandler;

  publish(event: BusEvent): void {
    for (const listener of this.#listeners) {
      // A failing subscriber must not stop the CSMS or starve the others.
      try {
        // An async listener's rejection would otherwise be an unhandled rejection, which ends a Deno process.
        const result: unknown = listener(event);
        if (result instanceof Promise) result.catch((err) => console.error("bus subscriber failed:", err));
      } catch (err) {
        console.error("bus subscriber failed:", err);
      }
    }
  }

  subscribe(listener: (event: BusEvent) => void): () => void {
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

  close(): Promise<void> {
    this.#listeners.clear();
    this.#handler = undefined;
    this.#admin = undefined;
    return Promise.resolve();
  }
}
