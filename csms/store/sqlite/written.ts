/**
 * `Written` values of the SQLite engine. Their `durable` is asked of the batch writer only when someone
 * reads it: asking makes the next batch urgent (a charger waits), and most writes (a status, a sample
 * outside a transaction) are never waited for, so they keep riding the writer's cheaper, slower batches.
 * A later `durable()` covers every write queued before it, this one included.
 */
import type { Written } from "../../../shared/storage.ts";
import type { BatchWriter } from "./writer.ts";

class Lazy<T> implements Written<T> {
  constructor(readonly value: T, private readonly writer: BatchWriter) {}

  get durable(): Promise<void> {
    return this.writer.durable();
  }
}

/** A write queued on `writer`: durable once the writer has committed what is queued when asked. */
export function queued<T>(value: T, writer: BatchWriter): Written<T> {
  return new Lazy(value, writer);
}

/** A write already committed (the writer's `run` resolved). */
export function committed<T>(value: T): Written<T> {
  return { value, durable: Promise.resolve() };
}
