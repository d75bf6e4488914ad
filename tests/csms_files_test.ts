/**
 * Firmware and diagnostics files moving for real, end to end: a firmware image uploaded over REST, sent
 * with UpdateFirmware, downloaded by a simulated charger (its own process) from the CSMS's file route,
 * installed, and the new version shown after its reboot; a diagnostics file and a log uploaded by the
 * charger to the CSMS and downloaded again over REST; every status kept and published as it came.
 */
import assert from "node:assert/strict";
import { MAX_FILE_BYTES } from "../shared/files.ts";
import { ChargerProcess, type Json, startSystem, waitFor } from "./web_support.ts";

Deno.test("files: firmware uploaded over REST reaches the charger; its diagnostics come back", async (t) => {
  const sys = await startSystem();
  const id = "CP-FILES-1";
  const charger = new ChargerProcess(id, sys.csms.url);
  const session = await sys.login();
  const get = (path: string) => session.json("GET", `/api/v1${path}`);
  const send = (method: string, path: string, body?: unknown) => session.json(method, `/api/v1${path}`, body);
  const transfers = () =>
    sys.events.filter((e) => e.type === "charger.transfer" && e.chargerId === id) as Json[];

  try {
    await waitFor(
      async () => (await get(`/chargers/${id}`)).body?.firmwareVersion,
      () => `${id} booted:\n${charger.tail()}`,
    );
    assert.equal((await get(`/chargers/${id}`)).body.firmwareVersion, "chargewire-sim 1.0");

    // Every byte value, and more than a frame's worth: the download is the file, not a message.
    const image = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) % 256);
    image.set(new TextEncoder().encode("CHARGEWIRE\nversion: 5.4.3\n"), 0);
    let fileId = 0;

    await t.step("upload: raw body over REST, listed, downloadable whole", async () => {
      const res = await session.fetch("/api/v1/firmware?name=sim-5.4.3.bin", {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: image,
      });
      assert.equal(res.status, 201);
      const kept = await res.json();
      fileId = kept.id;
      assert.equal(kept.name, "sim-5.4.3.bin");
      assert.equal(kept.size, image.length);
      const list = await get("/firmware");
      assert.deepEqual(list.body.items, [kept]);
      const back = await session.fetch(`/api/v1/files/${fileId}`);
      assert.equal(back.status, 200);
      assert.deepEqual(new Uint8Array(await back.arrayBuffer()), image);

      // Too large: a clear error, nothing kept.
      const big = await session.fetch("/api/v1/firmware?name=big.bin", {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: new Uint8Array(MAX_FILE_BYTES + 1),
      });
      assert.equal(big.status, 413);
      assert.match((await big.json()).message, /at most 8388608 bytes/);
      assert.equal((await get("/firmware")).body.items.length, 1);
      // A multipart form (a browser's or curl -F's) is taken as well; `?name=` is optional then.
      const form = new FormData();
      form.append("file", new File(["version: 0.0.1\n"], "other-0.0.1.bin"));
      const multipart = await session.fetch("/api/v1/firmware", { method: "POST", body: form });
      assert.equal(multipart.status, 201);
      const other = await multipart.json();
      assert.deepEqual([other.name, other.size], ["other-0.0.1.bin", 15]);
      assert.deepEqual((await get("/firmware")).body.items.map((f: Json) => f.id), [other.id, fileId]);
      // An id nothing has is refused before anything is sent.
      const unknown = await send("POST", `/chargers/${id}/commands/UpdateFirmware`, { firmwareFileId: 999 });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.message, /no firmware file 999 is kept/);
    });

    await t.step("UpdateFirmware: downloaded, installed, rebooted with the image's version", async () => {
      const sent = await send("POST", `/chargers/${id}/commands/UpdateFirmware`, { firmwareFileId: fileId });
      assert.deepEqual(sent, { status: 200, body: { ok: true, response: {} } });
      await waitFor(
        async () => (await get(`/chargers/${id}`)).body.firmwareVersion === "5.4.3",
        () => `the new version; charger said:\n${charger.tail()}`,
      );
      // The bytes the charger installed are the file uploaded: its own digest of what it downloaded.
      const installed = charger.output.filter((l) =>
        l.includes('"firmwareInstalled"')
      ).map((l) => JSON.parse(l))[0];
      assert.deepEqual(
        { bytes: installed?.bytes, sha256: installed?.sha256 },
        {
          bytes: image.length,
          sha256: (await get("/firmware")).body.items.find((f: Json) => f.id === fileId).sha256,
        },
      );
      const statuses = transfers().filter((e) => e.kind === "firmware").map((e) => e.status);
      assert.deepEqual(statuses, ["Downloading", "Downloaded", "Installing", "Installed"]);
      const files = await get(`/chargers/${id}/files`);
      assert.deepEqual(files.body.statuses.map((s: Json) => [s.kind, s.status]), [["firmware", "Installed"]]);
      // The URL the charger was given carries the file's token and name, on the CSMS's port.
      const command = sys.events.find((e) => e.type === "command.answered" && e.action === "UpdateFirmware");
      assert.ok(command);
      const log = await sys.reads.eventLog({ chargerId: id });
      assert.ok(log.some((e) => e.type === "firmware.status" && (e.data as Json).status === "Installed"));
    });

    await t.step("GetDiagnostics: the charger's file arrives and is served over REST", async () => {
      const asked = await send("POST", `/chargers/${id}/commands/GetDiagnostics`, {});
      assert.equal(asked.status, 200);
      const fileName = asked.body.response.fileName as string;
      assert.match(fileName, /^diagnostics-CP-FILES-1-/);
      const uploaded = await waitFor(async () => {
        const { body } = await get(`/chargers/${id}/files`);
        return (body.uploads as Json[]).find((f) => f.name === fileName);
      }, () => `the diagnostics upload; charger said:\n${charger.tail()}`);
      assert.equal(uploaded.kind, "diagnostics");
      const res = await session.fetch(`/api/v1/files/${uploaded.id}`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /^# Chargewire simulator diagnostics\ncharger: CP-FILES-1\nfirmware: 5\.4\.3\n/);
      assert.match(text, /\nHeartbeatInterval=\d+\n/);
      assert.equal(text.length, uploaded.size);
      await waitFor(
        () => transfers().some((e) => e.kind === "diagnostics" && e.status === "Uploaded"),
        "Uploaded published",
      );
      assert.ok(transfers().some((e) => e.kind === "diagnostics" && e.file?.id === uploaded.id));
    });

    await t.step("GetLog: a security log the same way, with its requestId", async () => {
      const asked = await send("POST", `/chargers/${id}/commands/GetLog`, {
        logType: "SecurityLog",
        requestId: 9,
        log: {},
      });
      assert.equal(asked.status, 200);
      assert.equal(asked.body.response.status, "Accepted");
      const uploaded = await waitFor(async () => {
        const { body } = await get(`/chargers/${id}/files`);
        return (body.uploads as Json[]).find((f) => f.name === asked.body.response.filename);
      }, "the log upload");
      assert.equal(uploaded.kind, "log");
      await waitFor(async () => {
        const { body } = await get(`/chargers/${id}/files`);
        return (body.statuses as Json[]).some((s) =>
          s.kind === "log" && s.status === "Uploaded" && s.requestId === 9
        );
      }, "the log's Uploaded status");
    });

    await t.step("the file routes: unknown tokens are 404, nothing else is served", async () => {
      const base = sys.csms.url.replace(/^ws/, "http").replace(/\/ocpp$/, "");
      const r1 = await fetch(`${base}/files/firmware/${"x".repeat(43)}/a.bin`);
      assert.equal(r1.status, 404);
      await r1.body?.cancel();
      const r2 = await fetch(`${base}/files/upload/${"y".repeat(43)}`, { method: "PUT", body: "data" });
      assert.equal(r2.status, 404);
      await r2.body?.cancel();
      // A charger that PUTs the raw body (its file name in the path) into a slot the CSMS opened.
      const token = "z".repeat(43);
      await sys.csms.storage.files.openUpload({
        token,
        chargerId: id,
        kind: "diagnostics",
        at: new Date().toISOString(),
      });
      const big = await fetch(`${base}/files/upload/${token}/big.txt`, {
        method: "PUT",
        body: new Uint8Array(MAX_FILE_BYTES + 1),
      });
      assert.equal(big.status, 413);
      await big.body?.cancel();
      const put = await fetch(`${base}/files/upload/${token}/raw%20diag.txt`, {
        method: "PUT",
        body: "raw body",
      });
      assert.equal(put.status, 201);
      await put.body?.cancel();
      const listed = (await get(`/chargers/${id}/files`)).body.uploads.find((f: Json) =>
        f.name === "raw diag.txt"
      );
      assert.equal(listed?.size, 8);
      assert.equal(await (await session.fetch(`/api/v1/files/${listed.id}`)).text(), "raw body");
    });
  } finally {
    await charger.stop();
    await sys.close();
  }
});
