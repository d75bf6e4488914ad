/**
 * A fast path for the schemas' `date-time` format, which every MeterValues carries once per meter value:
 * ajv-formats' own check splits the text with a regular expression and runs two capturing ones. Pure.
 *
 * It only ever says yes: true when `text` has the shape chargers send (`YYYY-MM-DDThh:mm:ss`, optional
 * fraction, `Z` or `±hh:mm`) and every field is in range, which ajv-formats' RFC 3339 check also accepts.
 * False means "not decided here": the caller asks ajv-formats, so anything unusual (a space or lowercase
 * separator, `+hhmm`, a leap second) and every rejection keeps its exact answer.
 */

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** The two-digit number at `i`, or -1. */
function two(text: string, i: number): number {
  const a = digit(text, i), b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

export function isPlainDateTime(text: string): boolean {
  if (text.length < 20) return false;
  const y1 = two(text, 0), y2 = two(text, 2);
  const month = two(text, 5), day = two(text, 8);
  const hour = two(text, 11), minute = two(text, 14), second = two(text, 17);
  if (
    y1 < 0 || y2 < 0 || text[4] !== "-" || text[7] !== "-" || text[10] !== "T" ||
    text[13] !== ":" || text[16] !== ":" || month < 1 || month > 12 || day < 1 ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
  ) return false;
  const year = y1 * 100 + y2;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month])) return false;
  let i = 19;
  if (text[i] === ".") {
    i++;
    const start = i;
    while (digit(text, i) >= 0) i++;
    if (i === start) return false;
  }
  if (text[i] === "Z" || text[i] === "z") return i + 1 === text.length;
  if (text[i] !== "+" && text[i] !== "-") return false;
  const tzHour = two(text, i + 1), tzMinute = two(text, i + 4);
  return i + 6 === text.length && text[i + 3] === ":" && tzHour >= 0 && tzHour <= 23 && tzMinute >= 0 &&
    tzMinute <= 59;
}
