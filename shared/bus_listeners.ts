/** Delivering a bus event to a process's listeners, the same way whichever bus carried it. */
import type { BusEvent } from "./events.ts";
import { logger } from "./log.ts";

const log = logger("bus");

export type BusListener = (event: BusEvent) => void;

/** Tells every listener; a failing one neither stops the publisher nor starves the others. */
export function deliver(listeners: Iterable<BusListener>, event: BusEvent): void {
  for (const listener of listeners) {
    try {
      // An async listener's rejection would otherwise be an unhandled rejection, which ends a Deno process.
      const result: unknown = listener(event);
      if (result instanceof Promise) result.catch((err) => failed(event, err));
    } catch (err) {
      failed(event, err);
    }
  }
}

function failed(event: BusEvent, err: unknown): void {
  log.error(`a subscriber failed on ${event.type}:`, { chargerId: event.chargerId, error: err });
}
