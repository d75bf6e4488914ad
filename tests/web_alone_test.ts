/**
 * `deno task web` (web/main.ts) as a user runs it: the portal alone, no CSMS in its process, reading the
 * database a CSMS wrote in DATA_DIR on its own connection. Pages and REST reads work; commands and changes
 * answer 503 `unavailable` (no CSMS shares its bus); without a CSMS database it stops with one line.
 */
import assert from "node:assert/strict";
import { startCsmsNode } from "../csms/main.ts";
import { MemoryBus } from "../shared/bus_memory.ts";
import { ADMIN_PASSWORD, PortalSession, ROOT, waitFor } from "./web_support.ts";

function runPortal(env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}web/main.ts`],
    cwd: ROOT,
    env: { NO_COLOR: "1", WEB_PORT: "0", HOST: "127.0.0.1", ADMIN_PASSWORD, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** A CSMS writes an id tag and a registration to `dataDir`, and stops. */
async function csmsWrites(dataDir: string): Promise<void> {
  const bus = new MemoryBus();
  const csms = await startCsmsNode({ CSMS_PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }, { bus });
  try {
    const tag = await bus.admin({ kind: "idtag.put", tag: { idTag: "ALONE-TAG", status: "Blocked" } });
    assert.equal(tag.ok, true);
    const reg = await bus.admin({
      kind: "registration.put",
      chargerId: "CP-ALONE",
      options: { securityProfile: 0 },
    });
    assert.equal(reg.ok, true);
  } finally {
    await csms.close();
    await bus.close();
  }
}

Deno.test("web alone: reads what a CSMS wrote, answers commands and changes 503 unavailable", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_web_alone_test_" });
  await csmsWrites(dataDir);
  const child = runPortal({ DATA_DIR: dataDir }).spawn();
  let stdout = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) stdout += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  try {
    const portal = await waitFor(
      () => stdout.match(/Portal:\s+(http:\/\/127\.0\.0\.1:\d+)/)?.[1],
      () => `the portal address; printed:\n${stdout}`,
    );
    assert.match(stdout, /on its own/);
    assert.match(stdout, /"unavailable" \(HTTP 503\)/);
    const admin = await PortalSession.login(portal, "admin", ADMIN_PASSWORD);

    // Reads, from the CSMS's database.
    const tags = await admin.json("GET", "/api/v1/id-tags");
    assert.equal(tags.status, 200);
    assert.deepEqual(
      (tags.body.items as Array<{ idTag: string; status: string }>).map((t) => [t.idTag, t.status]),
      [["ALONE-TAG", "Blocked"]],
    );
    const regs = await admin.json("GET", "/api/v1/registrations");
    assert.equal(regs.status, 200);
    assert.ok((regs.body.items as Array<{ id: string }>).some((r) => r.id === "CP-ALONE"));
    assert.deepEqual(await admin.json("GET", "/api/v1/transactions"), {
      status: 200,
      body: { total: 0, items: [] },
    });
    for (const page of ["/", "/transactions", "/id-tags", "/registrations", "/chargers/CP-ALONE"]) {
      const res = await admin.fetch(page);
      assert.equal(res.status, 200, page);
      await res.body?.cancel();
    }

    // Writes and commands need a CSMS on the bus: none here.
    const put = await admin.json("PUT", "/api/v1/id-tags/ALONE-TAG", { status: "Accepted" });
    assert.equal(put.status, 503);
    assert.equal(put.body.error, "unavailable");
    const del = await admin.json("DELETE", "/api/v1/registrations/CP-ALONE");
    assert.equal(del.status, 503);
    assert.equal(del.body.error, "unavailable");
    const close = await admin.json("POST", "/api/v1/transactions/1/close", { reason: "gone" });
    assert.equal(close.status, 503);
    const command = await admin.json("POST", "/api/v1/chargers/CP-ALONE/commands/Reset", { type: "Soft" });
    assert.equal(command.status, 503);
    assert.equal(command.body.error, "unavailable");
    // Nothing changed.
    assert.equal((await admin.json("GET", "/api/v1/id-tags/ALONE-TAG")).body.status, "Blocked");
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  await reading;
  const err = await stderr;
  assert.equal(status.code, 0, `exit ${status.code}; stderr:\n${err}`);
  assert.match(stdout, /SIGTERM: shutting down/);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("web alone: without a CSMS database in DATA_DIR it stops with one line", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "chargewire_web_alone_test_" });
  try {
    const out = await runPortal({ DATA_DIR: dataDir }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 1, stderr);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, /^portal: the portal did not start: /);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
