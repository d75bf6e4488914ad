/** The helper processes' side of bench/protocol.ts: JSON commands in on stdin, JSON reports out on stdout. */
import type { DriverReport, SubscriberReport } from "./protocol.ts";

export function emit(report: DriverReport | SubscriberReport): void {
  console.log(JSON.stringify(report));
}

/** Lines of stdin until it ends (the orchestrator closed it or is gone). */
export async function* stdinLines(): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield line;
    }
  }
}

/** Parses --max-seconds (the self-imposed lifetime every helper has) or exits 2 with a one-line message. */
export function maxSecondsArg(name: string, args: string[], fallback = 1800): number {
  const i = args.indexOf("--max-seconds");
  if (i < 0) {
    if (args.length === 0) return fallback;
  } else if (args.length === 2) {
    const v = Number(args[i + 1]);
    if (Number.isFinite(v) && v > 0) return v;
  }
  console.error(`${name}: usage: ${name} [--max-seconds S] (S a positive number)`);
  Deno.exit(2);
}

/** Ends the process after `seconds` whatever it is doing, so that no helper outlives a crashed bench. */
export function stopAfter(name: string, seconds: number): void {
  const timer = setTimeout(() => {
    emit({ type: "error", message: `${name} stopped itself after ${seconds} s` });
    Deno.exit(3);
  }, seconds * 1000);
  Deno.unrefTimer(timer);
}
