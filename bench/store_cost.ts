/**
 * What persisting one MeterValues costs the CSMS, without network or JSON: the real store
 * (csms/store) takes MeterValues from charging chargers round robin and commits them in batches, as
 * the BatchWriter does under load. Variants switch off one cost at a time, to show which one to fix:
 *
 *   deno run -A bench/store_cost.ts [--messages N] [--chargers N] [--batch N] [VARIANT...]
 *
 *   checkpoint   PRAGMA wal_autocheckpoint = 20000 (checkpoint 20x less often)
 *   no-latest    no per-message update of chargers.last_sample / transactions.last_meter_wh
 *   no-index     no meter_values_by_charger (charger_id, id) index
 *   cache        PRAGMA cache_size = -65536 (64 MiB page cache)
 *
 * Prints CPU and wall-clock microseconds per message (wall includes fsync at checkpoints).
 */
import { parseArgs } from "node:util";
import { openDatabase } from "../csms/store/db.ts";
import { CsmsStore } from "../csms/store/store.ts";
import { BatchWriter } from "../csms/store/writer.ts";
import { cpuSeconds } from "./procs.ts";

const VARIANTS = ["checkpoint", "no-latest", "no-index", "cache"] as const;

function fail(message: string): never {
  console.error(`store_cost: ${message}`);
  Deno.exit(2);
}

function count(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`--${name} must be a positive integer`);
  return Number(v);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: { messages: { type: "string" }, chargers: { type: "string" }, batch: { type: "string" } },
    });
  } catch (err) {
    fail((err as Error).message.split("\n")[0]);
  }
  const { values, positionals } = parsed;
  for (const p of positionals) {
    if (!(VARIANTS as readonly string[]).includes(p)) {
      fail(`unknown variant ${p} (one of ${VARIANTS.join(", ")})`);
    }
  }
  const messages = count("messages", values.messages, 400_000);
  const chargers = count("chargers", values.chargers, 1000);
  const batch = count("batch", values.batch, 1000);
  const has = (v: (typeof VARIANTS)[number]) => positionals.includes(v);

  const dir = await Deno.makeTempDir({ prefix: "chargewire-store-cost-" });
  const db = openDatabase(dir);
  try {
    if (has("no-index")) db.exec("DROP INDEX meter_values_by_charger");
    if (has("checkpoint")) db.exec("PRAGMA wal_autocheckpoint = 20000");
    if (has("cache")) db.exec("PRAGMA cache_size = -65536");
    // Batches are committed by hand below, at a fixed size, instead of on the writer's timer.
    const writer = new BatchWriter(db, { delayMs: 3_600_000, maxOps: Number.MAX_SAFE_INTEGER });
    const store = new CsmsStore(db, writer);
    const at = new Date().toISOString();
    const txIds: number[] = [];
    for (let i = 0; i < chargers; i++) {
      store.chargerConnected(`CP-${i}`, "ocpp1.6", at);
      const { tx } = store.startTransaction({
        chargerId: `CP-${i}`,
        connectorId: 1,
        idTag: "BENCH",
        meterStartWh: 0,
        startedAt: at,
        authStatus: "Accepted",
      });
      txIds.push(tx.id);
    }
    writer.flush();
    // The latest-reading updates all go through coalesce (directly or from the flush hook).
    if (has("no-latest")) writer.coalesce = () => {};

    const cpu0 = cpuSeconds(Deno.pid) ?? 0;
    const t0 = performance.now();
    let energy = 0;
    for (let k = 0; k < messages; k++) {
      const i = k % chargers;
      if (i === 0) energy += 3;
      store.meterSamples(`CP-${i}`, 1, txIds[i], [{
        timestamp: at,
        energyWh: energy,
        powerW: 11000,
        socPercent: 48,
      }], Date.now());
      if ((k + 1) % batch === 0) writer.flush();
    }
    writer.flush();
    const wallUs = ((performance.now() - t0) * 1000) / messages;
    const cpuUs = (((cpuSeconds(Deno.pid) ?? 0) - cpu0) * 1e6) / messages;
    console.log(
      `${
        positionals.join("+") || "as is"
      }: ${messages} MeterValues from ${chargers} chargers in batches of ${batch}: ` +
        `${cpuUs.toFixed(1)} µs CPU, ${wallUs.toFixed(1)} µs wall per message`,
    );
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
