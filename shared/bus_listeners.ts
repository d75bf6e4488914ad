/** Delivering a bus event to a process's listeners, the same way whichever bus carried it. */
import type { BusEvent } from "./events.ts";

export type BusListener = (event: BusEvent) => void;

/** Tells every listener; a failing one neither stops the publisher nor starves the others. */
export function deliver(listeners: Iterable<BusListener>, event: BusEvent): void {
  for (const listener of listeners) {
    try {
      // An async listener's rejection would otherwise be an unhandled rejection, which ends a Deno process.
      const result: unknown = listener(event);
      if (result instanceof Promise) result.catch((err) => console.error("bus subscriber failed:", err));
    } catch (err) {
      console.error("bus subscriber failed:", err);
    }
  }
}
