/** Small hooks shared by islands. */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

/**
 * The current time, ticking every `everyMs` in the browser. It starts at the server's render time so the
 * hydrated markup matches the server's exactly.
 */
export function useNow(initial: number, everyMs = 1000): Signal<number> {
  const now = useSignal(initial);
  useEffect(() => {
    now.value = Date.now();
    const timer = setInterval(() => now.value = Date.now(), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
