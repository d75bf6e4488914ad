/**
 * The load driver against the bare server, both as real processes over real WebSockets, with a tiny
 * fleet: proves the driver connects, boots, drives both load modes and counts what it sees. Counts
 * only: no timing threshold (machines are noisy).
 */
import assert from "node:assert/strict";
import { DriverProc, startBareProc } from "./procs.ts";
import { mergeEncoded, summarize } from "./stats.ts";

Deno.test("bench driver boots a small fleet on the bare server and drives closed-loop and fixed-rate MeterValues", async () => {
  const bare = await startBareProc();
  const driver = new DriverProc("driver", 120);
  try {
    const ready = await driver.expect("ready", 30_000);
    assert.equal(ready.pid, driver.pid);

    await driver.command({
      cmd: "connect",
      url: `ws://127.0.0.1:${bare.port}/ocpp`,
      prefix: "T-",
      first: 1,
      count: 12,
      concurrency: 4,
      transaction: true,
      timeoutMs: 10_000,
    });
    const connected = await driver.expect("connected", 30_000);
    assert.deepEqual(connected.errors, {});
    assert.equal(connected.requested, 12);
    assert.equal(connected.booted, 12);
    assert.equal(connected.open, 12);
    assert.equal(connected.failed, 0);
    assert.equal(summarize(mergeEncoded([connected.histogram])).count, 12);

    await driver.command({
      cmd: "load",
      mode: "closed",
      warmupMs: 100,
      durationMs: 500,
      callTimeoutMs: 10_000,
    });
    const closed = await driver.expect("load", 30_000);
    assert.equal(closed.mode, "closed");
    assert.equal(closed.chargers, 12);
    assert.ok(closed.sent > 0, "closed loop sent MeterValues");
    assert.ok(closed.answered > 0, "closed loop got answers");
    assert.equal(closed.callErrors + closed.timeouts + closed.closed, 0);
    // Every CALL sent in the window was answered at some point and its round trip recorded.
    assert.equal(summarize(mergeEncoded([closed.histogram])).count, closed.sent);
    assert.equal(closed.windowEnd - closed.windowStart, 500);

    await driver.command({
      cmd: "load",
      mode: "rate",
      rate: 100,
      warmupMs: 0,
      durationMs: 1000,
      callTimeoutMs: 10_000,
    });
    const rate = await driver.expect("load", 30_000);
    assert.equal(rate.mode, "rate");
    assert.ok(rate.sent > 0 && rate.sent <= 101, `fixed rate sent ${rate.sent}, at most 100/s for 1 s`);
    assert.equal(summarize(mergeEncoded([rate.histogram])).count, rate.sent);
    assert.equal(rate.callErrors + rate.timeouts + rate.closed, 0);

    await driver.command({ cmd: "status" });
    assert.deepEqual(await driver.expect("status", 10_000), { type: "status", open: 12, booted: 12 });

    await driver.command({ cmd: "close" });
    await driver.expect("closed", 30_000);
    assert.equal((await driver.finish()).code, 0);
  } finally {
    await driver.stop();
    await bare.proc.stop();
  }
});

Deno.test("bench driver reports chargers the server refuses instead of counting them as booted", async () => {
  const driver = new DriverProc("driver", 60);
  // Nothing listens on this port: every handshake fails.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  try {
    await driver.expect("ready", 30_000);
    await driver.command({
      cmd: "connect",
      url: `ws://127.0.0.1:${port}/ocpp`,
      prefix: "X-",
      first: 1,
      count: 3,
      concurrency: 3,
      transaction: false,
      timeoutMs: 5_000,
    });
    const connected = await driver.expect("connected", 30_000);
    assert.equal(connected.booted, 0);
    assert.equal(connected.failed, 3);
    assert.equal(Object.values(connected.errors).reduce((a, b) => a + b, 0), 3);
    await driver.command({ cmd: "close" });
    await driver.expect("closed", 30_000);
  } finally {
    await driver.stop();
  }
});
