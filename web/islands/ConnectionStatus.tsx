/** The header's indicator of the live connection to the portal server; it also opens that connection. */
import { useEffect } from "preact/hooks";
import { connection, getSocket } from "../client/socket.ts";

export default function ConnectionStatus() {
  useEffect(() => {
    getSocket();
  }, []);
  const { state, attempt } = connection.value;
  const label = state === "connected"
    ? "Live"
    : state === "connecting"
    ? "Connecting…"
    : attempt > 0
    ? `Reconnecting (attempt ${attempt})…`
    : "Reconnecting…";
  return (
    <span
      class={`conn conn-${state}`}
      role="status"
      aria-live="polite"
      data-testid="connection"
      data-state={state}
    >
      <span class="conn-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
