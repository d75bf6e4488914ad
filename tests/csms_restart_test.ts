/**
 * Restarting the CSMS mid-transaction loses nothing: the charger's later
 * StopTransaction closes the same transaction with the right energy, both after
 * an orderly shutdown and after the process is killed outright.
 */
import assert from "node:assert/strict";
import { startTestCsms, TestCharger, waitFor } from "./csms_support.ts";
import { needsSqlite } from "./cluster_support.ts";

Deno.test("csms restart: a transaction started before a restart is stopped after it", async () => {
  const a = await startTestCsms();
  const dataDir = a.dataDir;
  let cp = await TestCharger.connect(a.csms.url, "CP-RESTART");
  let b: Awaited<ReturnType<typeof startTestCsms>> | undefined;
  try {
    await cp.boot();
    const { transactionId } = await cp.session.call("StartTransaction", {
      connectorId: 2,
      idTag: "TAG-R",
      meterStart: 500,
      timestamp: "2026-02-01T08:00:00.000Z",
    });
    await cp.session.call("MeterValues", {
      connectorId: 2,
      transactionId,
      meterValue: [{ timestamp: "2026-02-01T08:10:00.000Z", sampledValue: [{ value: "1200" }] }],
    });

    // The CSMS goes away with the meter value possibly still in its write batch.
    await a.stop();
    const closed = await cp.closed();
    assert.equal(closed.code, 1001);

    b = await startTestCsms({}, { dataDir });
    assert.notEqual(b.csms.port, 0);
    const before = await b.csms.storage.reads.getTransaction(transactionId);
    assert.equal(before?.stoppedAt, undefined);
    assert.equal(before?.lastMeterWh, 1200);
    assert.equal((await b.csms.storage.reads.getCharger("CP-RESTART"))?.online, false, "no phantom online");
    assert.deepEqual(
      (await b.csms.storage.reads.getCharger("CP-RESTART"))?.activeTransactions.map((tx) => tx.id),
      [transactionId],
    );

    cp = await TestCharger.connect(b.csms.url, "CP-RESTART");
    await cp.boot();
    await cp.session.call("MeterValues", {
      connectorId: 2,
      transactionId,
      meterValue: [{ timestamp: "2026-02-01T08:20:00.000Z", sampledValue: [{ value: "2.1", unit: "kWh" }] }],
    });
    await cp.session.call("StopTransaction", {
      transactionId,
      meterStop: 2500,
      timestamp: "2026-02-01T08:30:00.000Z",
    });
    const tx = await b.csms.storage.reads.getTransaction(transactionId);
    assert.equal(tx?.stoppedAt, "2026-02-01T08:30:00.000Z");
    assert.equal(tx?.energyWh, 2000);
    assert.equal(tx?.stopReason, "Local");
    assert.deepEqual(
      (await b.csms.storage.reads.meterHistory("CP-RESTART", { transactionId })).map((s) => s.energyWh),
      [1200, 2100],
    );

    // Transaction ids stay unique across restarts.
    const next = await cp.session.call("StartTransaction", {
      connectorId: 2,
      idTag: "TAG-R",
      meterStart: 2500,
      timestamp: "2026-02-01T09:00:00.000Z",
    });
    assert.ok(next.transactionId > transactionId);
  } finally {
    await cp.close();
    await a.stop();
    await b?.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("csms restart: a killed CSMS process has already stored every transaction it answered", {
  ignore: needsSqlite("the SQLite DATA_DIR of a CSMS process it starts itself, reopened in the test"),
}, async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "csms_kill_" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../csms/main.ts", import.meta.url).pathname],
    env: { CSMS_PORT: "0", DATA_DIR: dataDir },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let cp: TestCharger | undefined;
  let b: Awaited<ReturnType<typeof startTestCsms>> | undefined;
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    const url = await waitFor(
      async () => {
        const { value } = await reader.read();
        out += value ?? "";
        return out.match(/(ws:\/\/\S+\/ocpp)\//)?.[1];
      },
      "the CSMS to print its endpoint",
      30_000,
    );
    cp = await TestCharger.connect(url, "CP-KILLED");
    await cp.boot();
    const { transactionId } = await cp.session.call("StartTransaction", {
      connectorId: 1,
      idTag: "TAG-K",
      meterStart: 0,
      timestamp: "2026-03-01T08:00:00.000Z",
    });
    child.kill("SIGKILL");
    await child.status;
    await cp.closed();

    b = await startTestCsms({}, { dataDir });
    cp = await TestCharger.connect(b.csms.url, "CP-KILLED");
    await cp.session.call("StopTransaction", {
      transactionId,
      meterStop: 7300,
      timestamp: "2026-03-01T09:00:00.000Z",
      reason: "PowerLoss",
    });
    const tx = await b.csms.storage.reads.getTransaction(transactionId);
    assert.equal(tx?.energyWh, 7300);
    assert.equal(tx?.stopReason, "PowerLoss");
    assert.equal(tx?.idTag, "TAG-K");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await reader.cancel();
    await cp?.close();
    await b?.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
