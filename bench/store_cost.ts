/**
 * What persisting one MeterValues costs the CSMS, without network or JSON: the real store (csms/store/sqlite)
 * takes MeterValues from charging chargers round robin, and a batch is committed after each round of
 * `--batch` messages, as under a closed loop with durable answers (each charger has one MeterValues
 * waiting for its commit at a time). The next round is queued while the last one commits, as the CSMS
 * goes on reading while the writer's thread commits. Variants put back one cost at a time, to show what
 * each fix saves:
 *
 *   deno run -A bench/store_cost.ts [--messages N] [--chargers N] [--batch N] [VARIANT...]
 *
 *   by-charger         the index of every sample by charger, meter_values_by_charger (charger_id, id),
 *                      which migration 4 dropped
 *   tx-first-dedupe    the replay key indexed transaction first, (transaction_id, dedupe_key), as before
 *                      migration 4, instead of time first
 *   latest-each-batch  the latest state (chargers.last_sample, transactions.last_meter_wh) written with
 *                      every batch instead of every LATEST_WRITE_EVERY_MS
 *   no-checkpointer    SQLite's automatic checkpoint inside the writer's commits (every 1,000 pages)
 *                      instead of the checkpointer thread
 *
 * Prints microseconds of CPU per message on the CSMS's own thread (what the event loop pays), in the
 * whole process (every thread: the writer's and the checkpointer's too), and of wall-clock time.
 */
import { parseArgs } from "node:util";
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer } from "../csms/store/sqlite/checkpointer.ts";
import { databasePath, openDatabase } from "../csms/store/sqlite/db.ts";
import { LATEST_WRITE_EVERY_MS, SqliteStorage } from "../csms/store/sqlite/storage.ts";
import { BatchWriter } from "../csms/store/sqlite/writer.ts";
import { cpuSeconds } from "./procs.ts";

const VARIANTS = ["by-charger", "tx-first-dedupe", "latest-each-batch", "no-checkpointer"] as const;

function fail(message: string): never {
  console.error(`store_cost: ${message}`);
  Deno.exit(2);
}

function count(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`--${name} must be a positive integer`);
  return Number(v);
}

/** CPU seconds of this process's main thread (the CSMS's event loop): /proc/PID/task/PID/stat. */
function mainThreadCpuSeconds(): number {
  const stat = Deno.readTextFileSync(`/proc/${Deno.pid}/task/${Deno.pid}/stat`);
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / 100;
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
  const batch = count("batch", values.batch, chargers);
  const has = (v: (typeof VARIANTS)[number]) => positionals.includes(v);

  const dir = await Deno.makeTempDir({ prefix: "chargewire-store-cost-" });
  const db = openDatabase(dir);
  const path = databasePath(dir);
  const checkpointer = has("no-checkpointer") ? undefined : await startCheckpointer(path);
  // Batches are sent by hand below, after each round, instead of on the writer's timer.
  const writer = new BatchWriter(path, {
    delayMs: 3_600_000,
    maxOps: Number.MAX_SAFE_INTEGER,
    hookDelayMs: has("latest-each-batch") ? 0 : LATEST_WRITE_EVERY_MS,
    autocheckpointPages: checkpointer?.running ? FALLBACK_CHECKPOINT_PAGES : 1000,
  });
  try {
    await writer.ready();
    if (has("by-charger")) db.exec("CREATE INDEX meter_values_by_charger ON meter_values (charger_id, id)");
    if (has("tx-first-dedupe")) {
      db.exec(`DROP INDEX meter_values_dedupe;
        CREATE UNIQUE INDEX meter_values_dedupe ON meter_values (transaction_id, dedupe_key)
          WHERE transaction_id IS NOT NULL AND dedupe_key IS NOT NULL`);
    }
    const storage = new SqliteStorage(db, writer);
    const at = new Date().toISOString();
    const txIds: number[] = [];
    for (let i = 0; i < chargers; i++) {
      await storage.chargers.connected(`CP-${i}`, "ocpp1.6", "bench", at);
      const { value: tx } = await storage.transactions.start({
        chargerId: `CP-${i}`,
        evseId: 1,
        connectorId: 1,
        idTag: "BENCH",
        meterStartWh: 0,
        startedAt: at,
        authStatus: "Accepted",
      });
      txIds.push(tx.id);
    }
    await writer.sync(true);

    const main0 = mainThreadCpuSeconds(), all0 = cpuSeconds(Deno.pid) ?? 0;
    const t0 = performance.now();
    let energy = 0;
    let committing: Promise<void> | undefined;
    for (let k = 0; k < messages; k++) {
      const i = k % chargers;
      if (i === 0) energy += 3;
      // A fresh timestamp per round, as a charger's samples have: the replay key differs per sample.
      await storage.meter.append(`CP-${i}`, 1, txIds[i], [{
        timestamp: new Date(Date.parse(at) + energy * 1000).toISOString(),
        energyWh: energy,
        powerW: 11000,
        socPercent: 48,
      }], Date.now());
      if ((k + 1) % batch === 0) {
        const done = writer.durable();
        writer.flush();
        // At most one batch committing while the next is queued.
        if (committing) await committing;
        committing = done;
      }
    }
    await writer.sync(true);
    const wallUs = ((performance.now() - t0) * 1000) / messages;
    const mainUs = ((mainThreadCpuSeconds() - main0) * 1e6) / messages;
    const allUs = (((cpuSeconds(Deno.pid) ?? 0) - all0) * 1e6) / messages;
    console.log(
      `${positionals.join("+") || "as is"}: ${messages} MeterValues from ${chargers} chargers, ` +
        `batches of ${batch}: ${mainUs.toFixed(1)} µs CPU on the CSMS thread, ${allUs.toFixed(1)} µs CPU ` +
        `in all threads, ${wallUs.toFixed(1)} µs wall per message`,
    );
  } finally {
    await writer.close();
    await checkpointer?.stop();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
