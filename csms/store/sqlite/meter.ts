/**
 * Meter samples in SQLite: one row per sample, a transaction's keyed so that a replay is stored once
 * (meter_values_dedupe), and the newest sample of each charger kept as its latest state (written every
 * LATEST_WRITE_EVERY_MS, see storage.ts). The hot path: one MeterValues from every charging charger every
 * few seconds, so nothing here allocates per sample beyond the row's parameters and its replay key.
 */
import type { DatabaseSync } from "node:sqlite";
import type { MeterSample } from "../../../shared/domain.ts";
import type { MeterWrites, Written } from "../../../shared/storage.ts";
import { MeterHistory } from "./meter_history.ts";
import { nullable } from "./rows.ts";
import { sampleKey } from "../sample_key.ts";
import { RECENT_SAMPLES, type SqliteTransactions } from "./transactions.ts";
import type { BatchWriter, WriteStatement } from "./writer.ts";
import { queued } from "./written.ts";

const NONE: MeterSample[] = [];

export class SqliteMeter implements MeterWrites {
  #writer: BatchWriter;
  #transactions: SqliteTransactions;
  /** The newest sample of each charger not written yet. */
  #latest = new Map<string, { sample: MeterSample; evseId: number; transactionId?: number }>();
  #s: Record<"sample" | "latest", WriteStatement>;

  constructor(writer: BatchWriter, transactions: SqliteTransactions) {
    this.#writer = writer;
    this.#transactions = transactions;
    this.#s = {
      // A replayed transaction sample hits meter_values_dedupe and is skipped.
      sample: writer.prepare(
        `INSERT INTO meter_values (charger_id, evse_id, transaction_id, ts, energy_wh, power_w, current_a,
           voltage_v, soc_percent, received_at, dedupe_key, readings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      latest: writer.prepare("UPDATE chargers SET last_sample = ? WHERE id = ?"),
    };
    writer.addFlushHook(() => {
      // Serialized only here: of many samples meanwhile, only the newest is.
      for (const [id, { sample, evseId, transactionId }] of this.#latest) {
        writer.coalesce(this.#s.latest, id, [JSON.stringify({ ...sample, evseId, transactionId }), id]);
      }
      this.#latest.clear();
    });
  }

  append(
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    samples: readonly MeterSample[],
    receivedAtMs: number,
  ): Promise<Written<MeterSample[]>> {
    return Promise.resolve(
      queued(this.#append(chargerId, evseId, transactionId, samples, receivedAtMs), this.#writer),
    );
  }

  #append(
    chargerId: string,
    evseId: number,
    transactionId: number | undefined,
    samples: readonly MeterSample[],
    receivedAtMs: number,
  ): MeterSample[] {
    if (samples.length === 0) return NONE;
    const txId = nullable(transactionId);
    const active = transactionId === undefined ? undefined : this.#transactions.tracked(transactionId);
    const tx = active && active.chargerId === chargerId ? active : undefined;
    const fresh: MeterSample[] = [];
    for (const s of samples) {
      const key = transactionId === undefined ? null : sampleKey(evseId, s);
      if (key !== null && tx) {
        const later = tx.recentMaxTs === undefined || s.timestamp > tx.recentMaxTs;
        if (!later && tx.recentSamples?.includes(key)) continue;
        if (later) tx.recentMaxTs = s.timestamp;
        (tx.recentSamples ??= []).push(key);
        if (tx.recentSamples.length > RECENT_SAMPLES) tx.recentSamples.shift();
      }
      fresh.push(s);
      this.#writer.write(this.#s.sample, [
        chargerId,
        evseId,
        txId,
        s.timestamp,
        nullable(s.energyWh),
        nullable(s.powerW),
        nullable(s.currentA),
        nullable(s.voltageV),
        nullable(s.socPercent),
        receivedAtMs,
        key,
        s.readings ? JSON.stringify(s.readings) : null,
      ]);
    }
    if (fresh.length === 0) return fresh;
    this.#latest.set(chargerId, { sample: fresh[fresh.length - 1], evseId, transactionId });
    this.#writer.hookPending();
    if (tx) {
      for (let i = fresh.length - 1; i >= 0; i--) {
        const e = fresh[i].energyWh;
        if (e !== undefined) {
          this.#transactions.recordEnergy(tx, e);
          break;
        }
      }
    }
    return fresh;
  }

  durable(): Promise<void> {
    return this.#writer.durable();
  }

  /**
   * After a crash the latest readings, written every few seconds, may lag behind the samples, which are
   * committed before each answer: the active transactions' (and their chargers') are read back from them.
   */
  catchUp(db: DatabaseSync): void {
    const active = [...this.#transactions.active()];
    if (active.length === 0) return;
    const history = new MeterHistory(db);
    const newestEnergy = db.prepare(
      `SELECT energy_wh FROM meter_values WHERE transaction_id = ? AND charger_id = ? AND energy_wh IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    );
    const chargers = new Set<string>();
    for (const tx of active) {
      chargers.add(tx.chargerId);
      const row = newestEnergy.get(tx.id, tx.chargerId) as { energy_wh: number } | undefined;
      if (row && row.energy_wh !== tx.lastMeterWh) {
        tx.lastMeterWh = row.energy_wh;
        this.#transactions.writeEnergy(tx.id, row.energy_wh);
      }
    }
    for (const id of chargers) {
      const [newest] = history.samples(id, { limit: 1 });
      if (newest) this.#writer.coalesce(this.#s.latest, id, [JSON.stringify(newest), id]);
    }
    this.#writer.flush();
  }
}
