/**
 * Meter samples in PostgreSQL, written in batches: the hot path (one MeterValues from every charging
 * charger every few seconds) must not cost a statement and a commit per sample. Samples are queued in
 * memory and a batch goes as ONE statement: a multi-row INSERT from a JSON array (one parameter, so one
 * prepared statement whatever the batch size), ON CONFLICT DO NOTHING on meter_values_dedupe so that a
 * replay is stored once, with in the same statement each charger's newest sample (chargers.last_sample)
 * and each transaction's newest energy reading (transactions.last_meter_wh). A write's `durable` is its
 * batch's commit.
 *
 * Group commit: a batch goes as soon as none is in flight; while one is, the next fills up. A lone sample
 * waits for no timer, and under load the batches grow by themselves. One batch in flight at a time also
 * keeps the latest readings in the order they arrived.
 */
import type { MeterReading, MeterSample } from "../../../shared/domain.ts";
import type { LocatedSample } from "../../../shared/queries.ts";
import type { MeterWrites, Written } from "../../../shared/storage.ts";
import type { Sql } from "./pool.ts";
import { sampleKey } from "../sample_key.ts";
import { Deferred } from "./written.ts";
import { lockChargersInOrder } from "./charger_locks.ts";
import { storeCommits } from "../../../shared/metrics.ts";

const commits = storeCommits("postgres");

/** Rows in one statement at most: bounds its size (a few hundred kB of JSON) under a backlog. */
export const MAX_BATCH_ROWS = 2000;
/** Replay keys remembered per transaction, and transactions remembered (see #recent). */
const RECENT_SAMPLES = 16;
const RECENT_TRANSACTIONS = 10_000;

interface SampleRow {
  charger_id: string;
  evse_id: number;
  transaction_id: number | null;
  ts: string;
  energy_wh: number | null;
  power_w: number | null;
  current_a: number | null;
  voltage_v: number | null;
  soc_percent: number | null;
  received_at: number;
  dedupe_key: string | null;
  readings: MeterReading[] | null;
}

interface Batch {
  seq: number;
  rows: SampleRow[];
  /** The newest sample of each charger in the batch. */
  latest: Map<string, LocatedSample>;
  /** The newest energy reading of each transaction in the batch, with its charger. */
  energy: Map<number, { chargerId: string; wh: number }>;
  done: Deferred;
}

const NONE: MeterSample[] = [];

export class PostgresMeter implements MeterWrites {
  #sql: Sql;
  #seq = 0;
  #open: Batch | undefined;
  /** Batches sealed and not sent yet, oldest first. */
  #sealed: Batch[] = [];
  #inFlight: Batch | undefined;
  #kick = false;
  /**
   * Energy readings not committed yet, by transaction: a stop or close written meanwhile carries them
   * (the batch's own update skips a transaction already stopped). Entries leave when their batch commits.
   */
  #uncommittedEnergy = new Map<number, { wh: number; seq: number }>();
  /**
   * Replay keys of each transaction's newest samples, so that a replay is not published again. Only what
   * `value` holds depends on it: the unique index decides what is stored, so forgetting (another node took
   * the charger, the map evicted the transaction) costs at most a replay published twice.
   */
  #recent = new Map<number, { keys: string[]; maxTs: string }>();

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  #batch(): Batch {
    if (this.#open && this.#open.rows.length >= MAX_BATCH_ROWS) {
      this.#sealed.push(this.#open);
      this.#open = undefined;
    }
    return this.#open ??= {
      seq: ++this.#seq,
      rows: [],
      latest: new Map(),
      energy: new Map(),
      done: new Deferred(),
    };
  }

  append(
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    samples: readonly MeterSample[],
    receivedAtMs: number,
  ): Promise<Written<MeterSample[]>> {
    const fresh = samples.length === 0 ? NONE : this.#fresh(evseId, transactionId, samples);
    if (fresh.length === 0) {
      // Nothing new to write: durable once what is queued already (the original, perhaps) is.
      return Promise.resolve({ value: NONE, durable: this.#pendingDone() });
    }
    const batch = this.#batch();
    for (const s of fresh) {
      batch.rows.push({
        charger_id: chargerId,
        evse_id: evseId,
        transaction_id: transactionId ?? null,
        ts: s.timestamp,
        energy_wh: s.energyWh ?? null,
        power_w: s.powerW ?? null,
        current_a: s.currentA ?? null,
        voltage_v: s.voltageV ?? null,
        soc_percent: s.socPercent ?? null,
        received_at: receivedAtMs,
        dedupe_key: transactionId === undefined ? null : sampleKey(evseId, s),
        readings: s.readings ?? null,
      });
    }
    const newest = fresh[fresh.length - 1];
    batch.latest.set(chargerId, { ...newest, evseId, ...(transactionId !== undefined && { transactionId }) });
    if (transactionId !== undefined) {
      for (let i = fresh.length - 1; i >= 0; i--) {
        const wh = fresh[i].energyWh;
        if (wh !== undefined) {
          batch.energy.set(transactionId, { chargerId, wh });
          this.#uncommittedEnergy.set(transactionId, { wh, seq: batch.seq });
          break;
        }
      }
    }
    const done = batch.done.promise;
    this.#schedule();
    return Promise.resolve({ value: fresh, durable: done });
  }

  /** The samples not among this transaction's recent ones (all of them outside a transaction). */
  #fresh(evseId: number, transactionId: number | undefined, samples: readonly MeterSample[]): MeterSample[] {
    if (transactionId === undefined) return samples.slice();
    let recent = this.#recent.get(transactionId);
    if (recent) {
      // Re-inserted: the map stays in the order of use, and the least recently used goes first.
      this.#recent.delete(transactionId);
    } else {
      recent = { keys: [], maxTs: "" };
      if (this.#recent.size >= RECENT_TRANSACTIONS) this.#recent.delete(this.#recent.keys().next().value!);
    }
    this.#recent.set(transactionId, recent);
    const fresh: MeterSample[] = [];
    for (const s of samples) {
      const key = sampleKey(evseId, s);
      // A sample stamped later than all remembered is none of them: no comparison with each.
      const later = s.timestamp > recent.maxTs;
      if (!later && recent.keys.includes(key)) continue;
      if (later) recent.maxTs = s.timestamp;
      recent.keys.push(key);
      if (recent.keys.length > RECENT_SAMPLES) recent.keys.shift();
      fresh.push(s);
    }
    return fresh;
  }

  /** An energy reading of `transactionId` queued or in flight, not committed yet. */
  uncommittedEnergy(transactionId: number): number | undefined {
    return this.#uncommittedEnergy.get(transactionId)?.wh;
  }

  /** The transaction ended: its replay keys are no longer needed. */
  forget(transactionId: number): void {
    this.#recent.delete(transactionId);
  }

  #pendingDone(): Promise<void> {
    const pending = [this.#inFlight, ...this.#sealed, this.#open].filter((b) => b !== undefined);
    if (pending.length === 0) return Promise.resolve();
    const all = Promise.all(pending.map((b) => b.done.promise)).then(() => {});
    all.catch(() => {});
    return all;
  }

  /**
   * Settles once the batches queued or in flight now have committed or failed (a failure is its writers'
   * to see, not a reader's): what a read waits for. Nothing queued: settles at once.
   */
  settled(): Promise<void> {
    if (!this.#inFlight && this.#sealed.length === 0 && !this.#open) return Promise.resolve();
    return this.durable().catch(() => {});
  }

  durable(): Promise<void> {
    const done = this.#pendingDone();
    this.#schedule();
    return done;
  }

  #schedule(): void {
    if (this.#inFlight || this.#kick) return;
    this.#kick = true;
    // A macrotask later, not at once: the samples of every frame read in this turn join the batch.
    setTimeout(() => {
      this.#kick = false;
      this.#next();
    }, 0);
  }

  #next(): void {
    if (this.#inFlight) return;
    const batch = this.#sealed.shift() ?? this.#open;
    if (!batch) return;
    if (batch === this.#open) this.#open = undefined;
    this.#inFlight = batch;
    const start = performance.now();
    this.#write(batch).then(
      () => {
        commits.observe((performance.now() - start) / 1000);
        for (const [id, { seq }] of batch.energy.size ? this.#uncommittedEnergy : []) {
          if (seq <= batch.seq) this.#uncommittedEnergy.delete(id);
        }
        batch.done.resolve();
      },
      (err) => {
        // Its writers awaiting `durable` see the failure (a charger is answered with an error and resends).
        for (const [id, { seq }] of this.#uncommittedEnergy) {
          if (seq === batch.seq) this.#uncommittedEnergy.delete(id);
        }
        batch.done.reject(err);
      },
    ).finally(() => {
      this.#inFlight = undefined;
      if (this.#sealed.length > 0 || this.#open) this.#next();
    });
  }

  async #write(batch: Batch): Promise<void> {
    const sql = this.#sql;
    const latest = [...batch.latest].map(([id, sample]) => ({ id, sample }));
    const energy = [...batch.energy].map(([id, { chargerId, wh }]) => ({ id, charger_id: chargerId, wh }));
    await sql.begin(async (tx) => {
      await lockChargersInOrder(tx, latest.map((l) => l.id));
      await tx`
      WITH inserted AS (
        INSERT INTO meter_values (charger_id, evse_id, transaction_id, ts, energy_wh, power_w, current_a,
          voltage_v, soc_percent, received_at, dedupe_key, readings)
        SELECT charger_id, evse_id, transaction_id, ts, energy_wh, power_w, current_a, voltage_v,
          soc_percent, received_at, dedupe_key, readings
        FROM jsonb_to_recordset(${sql.json(batch.rows as never)}) AS r(charger_id text, evse_id integer,
          transaction_id bigint, ts text, energy_wh float8, power_w float8, current_a float8,
          voltage_v float8, soc_percent float8, received_at bigint, dedupe_key text, readings jsonb)
        ON CONFLICT DO NOTHING
        RETURNING 1
      ), latest AS (
        UPDATE chargers AS c SET last_sample = l.sample
        FROM jsonb_to_recordset(${sql.json(latest as never)}) AS l(id text, sample json)
        WHERE c.id = l.id
        RETURNING 1
      ), energy AS (
        UPDATE transactions AS t SET last_meter_wh = e.wh
        FROM jsonb_to_recordset(${sql.json(energy as never)}) AS e(id bigint, charger_id text, wh float8)
        WHERE t.id = e.id AND t.charger_id = e.charger_id AND t.stopped_at IS NULL
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM inserted) AS inserted`;
    });
  }

  /** Sends every batch and settles once all have committed (or one failed). */
  async close(): Promise<void> {
    await this.durable().catch(() => {});
    // Batches sealed while the last ones went (none can be added by now, but a failure leaves none waiting).
    while (this.#inFlight || this.#sealed.length > 0 || this.#open) await this.durable().catch(() => {});
  }
}
