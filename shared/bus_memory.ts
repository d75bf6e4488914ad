/** The in-process Bus, for `deno task dev` and tests: CSMS and web bridge in one process. */
import type { Bus, BusEvent, CommandHandler, CommandResult } from "./events.ts";

export class MemoryBus implements Bus {
  #listeners = new Set<(event: BusEvent) => void>();
  #handler?: CommandHandler;

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
    }) as CommandResult<never>;
  };

  serveCommands(handler: CommandHandler): () => void {
    this.#handler = handler;
    return () => {
      if (this.#handler === handler) this.#handler = undefined;
    };
  }

  close(): Promise<void> {
    this.#listeners.clear();
    this.#handler = undefined;
    return Promise.resolve();
  }
}
