/**
 * The constant answers the bench's reference servers give (bare Deno, bare Node `ws`, the `ocpp-rpc`
 * peer): one source, so that every server under comparison sends the same bytes back. Plain JavaScript
 * because Node (which cannot run TypeScript here) loads it too. Every payload is schema-valid OCPP 1.6,
 * which the strict `ocpp-rpc` peer insists on.
 */
import process from "node:process";

/** The CALLRESULT payload per action; an action not listed here gets `{}`. */
export const ANSWERS = Object.freeze({
  BootNotification: { status: "Accepted", currentTime: "2025-01-01T00:00:00.000Z", interval: 300 },
  StartTransaction: { transactionId: 1, idTagInfo: { status: "Accepted" } },
  StopTransaction: {},
  Authorize: { idTagInfo: { status: "Accepted" } },
  Heartbeat: { currentTime: "2025-01-01T00:00:00.000Z" },
  DataTransfer: { status: "Accepted" },
  StatusNotification: {},
  MeterValues: {},
  DiagnosticsStatusNotification: {},
  FirmwareStatusNotification: {},
});

/** @type {Record<string, string>} */
const ANSWER_TEXT = Object.fromEntries(Object.entries(ANSWERS).map(([k, v]) => [k, JSON.stringify(v)]));

/**
 * The CALLRESULT frame for a CALL frame's text (only the message id is spliced in), or undefined for
 * anything that is not a CALL: the bare servers do the least any OCPP-J server must do, nothing more.
 * @param {string} text
 * @returns {string | undefined}
 */
export function answerFrame(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(frame) || frame[0] !== 2 || typeof frame[1] !== "string") return undefined;
  const payload = ANSWER_TEXT[String(frame[2])] ?? "{}";
  return `[3,${JSON.stringify(frame[1])},${payload}]`;
}

/**
 * The reference servers' command line: `--port N` (0: a free one) and `--max-seconds S`; exits 2 with one
 * line on anything else. They always stop when stdin ends (their parent, the bench, is gone).
 * @param {string} name
 * @param {string[]} argv
 * @returns {{ port: number, maxSeconds: number }}
 */
export function serverArgs(name, argv) {
  let port = 0, maxSeconds = 1800;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if (flag === "--port" && Number.isInteger(n) && n >= 0 && n <= 65535) port = n;
    else if (flag === "--max-seconds" && Number.isFinite(n) && n > 0) maxSeconds = n;
    else {
      console.error(`${name}: expected --port 0..65535 and --max-seconds S, got ${JSON.stringify(argv)}`);
      return process.exit(2);
    }
  }
  return { port, maxSeconds };
}

/**
 * Prints the listening line the bench waits for, and stops on SIGTERM/SIGINT, after `maxSeconds`, or
 * when stdin ends.
 * @param {number} port
 * @param {number} maxSeconds
 */
export function announceAndServe(port, maxSeconds) {
  console.log(JSON.stringify({ type: "listening", port }));
  const stop = () => process.exit(0);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  setTimeout(stop, maxSeconds * 1000).unref();
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
