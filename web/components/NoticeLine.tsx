import type { Notice } from "../client/api.ts";

/** The answer to an admin page's last write, so no button is ever silent. */
export function NoticeLine({ notice, testid }: { notice: Notice | null; testid?: string }) {
  if (!notice) return null;
  return <div class={`outcome outcome-${notice.tone}`} role="status" data-testid={testid}>{notice.text}</div>;
}
