import type { Outcome } from "../client/commands.ts";

/** The charger's answer to a command, so no button is ever silent. */
export function CommandOutcome({ outcome, testid }: { outcome: Outcome | null; testid: string }) {
  if (!outcome) return <div class="outcome outcome-none" data-testid={testid} data-outcome="" />;
  return (
    <div
      class={`outcome outcome-${outcome.tone}`}
      role="status"
      data-testid={testid}
      data-outcome={outcome.label}
    >
      <span class="outcome-action">{outcome.action}</span>
      <strong class="outcome-label">{outcome.label}</strong>
      {outcome.detail && <span class="outcome-detail">{outcome.detail}</span>}
    </div>
  );
}
