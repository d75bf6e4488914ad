/**
 * Meter values: on the simulation's beat the cars charge and periodic
 * (MeterValueSampleInterval) and clock-aligned (ClockAlignedDataInterval)
 * samples are taken; TriggerMessage asks for one on demand. Samples bound to a
 * transaction go through the transaction queue, so none is lost offline; the
 * others go straight out, or nowhere when offline.
 */
import type { ConfigStore } from "./config_store.ts";
import { setEvFull } from "./connector.ts";
import type { Energy } from "./energy.ts";
import type { Emit } from "./events.ts";
import type { Fire } from "./link.ts";
import { meterValue, type SampleContext } from "./meter.ts";
import type { Station } from "./station.ts";
import type { TxMessage } from "./tx_queue.ts";
import type { TxSeries } from "./tx_series.ts";

export interface MeteringHost {
  /** Registered and connected. */
  canSend(): boolean;
  fire: Fire;
  /** Queues a transaction message. */
  push(m: TxMessage): void;
  emit: Emit;
  /** Where a transaction's StopTxnSampledData and StopTxnAlignedData values are collected. */
  series?: TxSeries;
}

export class Metering {
  readonly #station: Station;
  readonly #energy: Energy;
  readonly #config: ConfigStore;
  readonly #host: MeteringHost;

  constructor(station: Station, energy: Energy, config: ConfigStore, host: MeteringHost) {
    this.#station = station;
    this.#energy = energy;
    this.#config = config;
    this.#host = host;
  }

  /** One beat: the cars charge, and samples due within `slackMs` are taken. */
  tick(now: number, slackMs: number): void {
    const sampleS = this.#config.getInt("MeterValueSampleInterval");
    const connectors = this.#station.all;
    for (let i = 0; i < connectors.length; i++) {
      const c = connectors[i];
      if (c.phase !== "charging") continue;
      const full = this.#energy.charge(i, c.evseSuspended, now);
      if (full !== undefined && full !== c.evFull) this.#station.set(setEvFull(c, full));
      if (this.#energy.sampleDue(i, now, slackMs, sampleS)) this.sample(i + 1, "Sample.Periodic", now);
    }
    if (this.#energy.alignedDue(now, this.#config.getInt("ClockAlignedDataInterval"))) {
      for (let id = 1; id <= this.#station.count; id++) this.sample(id, "Sample.Clock", now);
    }
  }

  /** A new MeterValueSampleInterval counts from now. */
  sampleIntervalChanged(intervalS: number, now: number): void {
    this.#station.all.forEach((c, i) =>
      this.#energy.rescheduleSamples(i, c.phase === "charging", intervalS, now)
    );
  }

  /** A meter sample: transaction-bound ones join the queue, others go straight out (and are lost offline). */
  sample(connectorId: number, context: SampleContext, now: number): void {
    const ts = new Date(now).toISOString();
    if (connectorId === 0) {
      const measurands = this.#config.getList("MeterValuesSampledData").filter((m) => m !== "SoC");
      const mv = meterValue(this.#energy.mainReading(), measurands, context, ts);
      if (mv) this.#host.fire("MeterValues", { connectorId: 0, meterValue: [mv] });
      return;
    }
    const i = connectorId - 1;
    const c = this.#station.all[i];
    if (c.tx && (context === "Sample.Periodic" || context === "Sample.Clock")) {
      const key = context === "Sample.Clock" ? "StopTxnAlignedData" : "StopTxnSampledData";
      const kept = meterValue(this.#energy.reading(i, c), this.#config.getList(key), context, ts);
      this.#host.series?.add(c.tx.localId, kept);
    }
    const measurands = this.#config.getList(
      context === "Sample.Clock" ? "MeterValuesAlignedData" : "MeterValuesSampledData",
    );
    const mv = meterValue(this.#energy.reading(i, c), measurands, context, ts);
    if (!mv) return;
    if (c.tx) {
      this.#host.push({
        action: "MeterValues",
        localId: c.tx.localId,
        payload: { connectorId, meterValue: [mv] },
      });
    } else if (this.#host.canSend()) {
      this.#host.fire("MeterValues", { connectorId, meterValue: [mv] });
    }
    this.#host.emit({
      type: "meterValues",
      connectorId,
      transactionId: c.tx?.transactionId,
      context,
      socPct: this.#energy.car(i)?.socPct,
      powerW: this.#energy.powerW(i),
      energyWh: this.#energy.energyWh(i),
    });
  }
}
