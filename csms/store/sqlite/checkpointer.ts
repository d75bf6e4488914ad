/**
 * Runs the WAL checkpoints of the CSMS database in a Worker. A checkpoint copies the pages committed to
 * the WAL into the database file and fsyncs both; done by SQLite's automatic checkpoint inside a COMMIT
 * (every 1,000 pages), it holds up that commit, and with it every charger waiting for its answer, for
 * the copy and two fsyncs. From a connection of its own in a Worker it runs beside the writer, at a
 * steady pace, taking no lock the writer waits for (PASSIVE). The writer's connection keeps an automatic
 * checkpoint of its own at a much larger size (`FALLBACK_CHECKPOINT_PAGES`), so the WAL stays bounded if
 * this thread ever falls behind or fails.
 */
import { logger } from "../../../shared/log.ts";
import type { CheckpointerInit, CheckpointerMessage } from "./checkpoint_worker.ts";

const csmsLog = logger("csms");

export interface CheckpointerOptions {
  /** How often the worker checkpoints. */
  everyMs?: number;
  log?(line: string): void;
}

/** The writer's own automatic checkpoint (in WAL pages, 64 MiB) while a checkpointer runs. */
export const FALLBACK_CHECKPOINT_PAGES = 16_384;

export interface Checkpointer {
  /** False when the worker could not start: the writer then checkpoints by itself, as SQLite does. */
  readonly running: boolean;
  /** Checkpoints that copied pages, and how many in all, for tests and measurements. */
  readonly stats: { checkpoints: number; pagesCopied: number };
  /** Stops the worker (its connection closed) before the writer closes its own. */
  stop(): Promise<void>;
}

const STOP_WAIT_MS = 2000;

/** Starts checkpointing the database file at `path` from a Worker; resolves once it is running (or not). */
export async function startCheckpointer(
  path: string,
  options: CheckpointerOptions = {},
): Promise<Checkpointer> {
  const log = options.log ?? ((line) => csmsLog.error(line));
  const worker = new Worker(new URL("./checkpoint_worker.ts", import.meta.url).href, { type: "module" });
  const ready = Promise.withResolvers<void>();
  const stopped = Promise.withResolvers<void>();
  let running = false;
  const stats = { checkpoints: 0, pagesCopied: 0 };
  worker.onmessage = (e: MessageEvent<CheckpointerMessage>) => {
    const m = e.data;
    if (m.type === "ready") {
      running = true;
      ready.resolve();
    } else if (m.type === "failed") {
      log(`WAL checkpoint worker: ${m.message} (the writer checkpoints by itself)`);
      ready.resolve();
    } else if (m.type === "checkpointed") {
      stats.checkpoints++;
      stats.pagesCopied += m.pages;
    } else if (m.type === "stopped") stopped.resolve();
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    log(`WAL checkpoint worker failed: ${e.message} (the writer checkpoints by itself)`);
    ready.resolve();
    stopped.resolve();
  };
  const init: CheckpointerInit = { path, everyMs: options.everyMs ?? 200 };
  worker.postMessage({ type: "start", init });
  await ready.promise;
  let stopping: Promise<void> | undefined;
  return {
    running,
    stats,
    stop: () =>
      stopping ??= (async () => {
        worker.postMessage({ type: "stop" });
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          stopped.promise,
          new Promise<void>((resolve) => timer = setTimeout(resolve, STOP_WAIT_MS)),
        ]);
        clearTimeout(timer);
        worker.terminate();
      })(),
  };
}
