/** The helper processes' side of bench/protocol.ts: JSON commands in on stdin, JSON reports out on stdout. */
import type { DriverReport, SubscriberReport } from "./protocol.ts";
import { errorText } from "../shared/ocpp/errors.ts";

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

/** A helper process's commands: `handle` answers one (throwing for a command it does not know). */
export interface CommandServer<C> {
  handle(cmd: C): Promise<void> | void;
  /** stdin ended: the orchestrator is gone, so nobody will read a report. */
  finish(): Promise<void> | void;
}

/**
 * A helper process's whole life: its self-imposed lifetime (--max-seconds),
 * `ready`, then one JSON command a line from stdin until stdin ends. A line
 * that is not JSON and a command that fails are reported as `error` and the
 * loop goes on.
 */
export async function serveCommands<C>(name: string, start: () => CommandServer<C>): Promise<never> {
  const maxSeconds = maxSecondsArg(name, Deno.args);
  stopAfter(name, maxSeconds);
  const server = start();
  emit({ type: "ready", pid: Deno.pid });
  for await (const line of stdinLines()) {
    let cmd: C;
    try {
      cmd = JSON.parse(line);
    } catch {
      emit({ type: "error", message: `not a JSON command: ${line.slice(0, 80)}` });
      continue;
    }
    try {
      await server.handle(cmd);
    } catch (err) {
      emit({ type: "error", message: errorText(err) });
    }
  }
  await server.finish();
  Deno.exit(0);
}

/** The error for a command a helper does not know. */
export function unknownCommand(cmd: unknown): Error {
  return new Error(`unknown command ${JSON.stringify((cmd as { cmd: unknown }).cmd)}`);
}
