/** What of a frame's text travels in an `ocpp.frame` event: bounded, so that a huge frame costs little. */

/** Frame text kept in events; enough to read any ordinary frame whole. */
export const FRAME_TEXT_LIMIT = 2000;

/**
 * Cuts a frame's text to `limit` characters. A copy is forced (JSON round trip)
 * because a plain slice can keep the whole original string alive in V8.
 */
export function cutText(text: string, limit = FRAME_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  return JSON.parse(JSON.stringify(text.slice(0, limit))) + "…";
}
