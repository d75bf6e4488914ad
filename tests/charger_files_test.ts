/**
 * The simulator's firmware updates and file uploads against an independent strict OCPP 1.6 central
 * system (npm ocpp-rpc) and a real HTTP file server on a free port: the files really move.
 */
import assert from "node:assert/strict";
import { createPrivateKey, sign } from "node:crypto";
import { startChargePoint } from "../charger/mod.ts";
import type { ChargePointOptions } from "../charger/options.ts";
import { HAS_OPENSSL, makeTestCertificates } from "./csms_support.ts";
import { type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";
import { waitFor } from "./wait.ts";

interface Upload {
  path: string;
  fileName: string;
  text: string;
}

/** A file server: GET serves `files` by path, POST takes a multipart upload (part `file`). */
function startFileServer(files: Record<string, Uint8Array>) {
  const gets: string[] = [];
  const uploads: Upload[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "GET") {
      gets.push(path);
      const body = files[path];
      return body ? new Response(body.slice()) : new Response("not found", { status: 404 });
    }
    const form = await req.formData();
    const file = form.get("file") as File;
    uploads.push({ path, fileName: file.name, text: await file.text() });
    return new Response(null, { status: 204 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    gets,
    uploads,
    close: () => server.shutdown(),
  };
}

interface Seen {
  action: string;
  // deno-lint-ignore no-explicit-any
  params: any;
}

/** A strict central system accepting every boot, recording what the charger sends. */
async function startCentralSystem() {
  const seen: Seen[] = [];
  let current: PeerSession | undefined;
  const peer = await startPeerServer(["ocpp1.6"], (c) => {
    current = c;
    const record = (action: string, answer: () => unknown = () => ({})) =>
      c.handle(action, ({ params }) => {
        seen.push({ action, params });
        return answer();
      });
    record(
      "BootNotification",
      () => ({ currentTime: new Date().toISOString(), interval: 300, status: "Accepted" }),
    );
    for (
      const a of [
        "StatusNotification",
        "FirmwareStatusNotification",
        "SignedFirmwareStatusNotification",
        "DiagnosticsStatusNotification",
        "LogStatusNotification",
        "MeterValues",
      ]
    ) record(a);
    record("Heartbeat", () => ({ currentTime: new Date().toISOString() }));
  });
  return {
    peer,
    seen,
    of: (action: string) => seen.filter((s) => s.action === action).map((s) => s.params),
    // deno-lint-ignore no-explicit-any
    call: <T = any>(action: string, payload: unknown) => current!.call<T>(action, payload),
  };
}

async function withSimulator(
  id: string,
  files: Record<string, Uint8Array>,
  body: (
    cs: Awaited<ReturnType<typeof startCentralSystem>>,
    fs: ReturnType<typeof startFileServer>,
  ) => Promise<void>,
): Promise<void> {
  const cs = await startCentralSystem();
  const fs = startFileServer(files);
  const options: ChargePointOptions = {
    id,
    url: cs.peer.url,
    tickMs: 200,
    rebootDelayMs: 200,
    backoff: { initialMs: 100, maxMs: 400 },
  };
  const cp = startChargePoint(options);
  try {
    await waitFor(() => cs.of("StatusNotification").length >= 2, "the charger's first statuses");
    await body(cs, fs);
  } finally {
    await cp.stop();
    await cs.peer.close();
    await fs.close();
  }
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("simulator: UpdateFirmware downloads the file, installs it and boots with the new version", async () => {
  const image = text("CHARGEWIRE IMAGE\nversion: 7.3.1\n" + "x".repeat(10_000));
  await withSimulator("CP-FW", { "/fw/sim-2.1.0.bin": image }, async (cs, fs) => {
    assert.equal(cs.of("BootNotification")[0].firmwareVersion, "chargewire-sim 1.0");
    assert.deepEqual(
      await cs.call("UpdateFirmware", {
        location: `${fs.url}/fw/sim-2.1.0.bin`,
        retrieveDate: new Date().toISOString(),
      }),
      {},
    );
    await waitFor(() => cs.of("BootNotification").length >= 2, "the boot after the update");
    assert.deepEqual(fs.gets, ["/fw/sim-2.1.0.bin"]);
    assert.deepEqual(cs.of("FirmwareStatusNotification").map((p) => p.status), [
      "Downloading",
      "Downloaded",
      "Installing",
      "Installed",
    ]);
    // The version stated in the image's content: the file's bytes reached the charger.
    assert.equal(cs.of("BootNotification")[1].firmwareVersion, "7.3.1");
    // Once done, a triggered notification says Idle.
    await waitFor(() => cs.of("StatusNotification").length >= 4, "the statuses after the reboot");
    assert.deepEqual(await cs.call("TriggerMessage", { requestedMessage: "FirmwareStatusNotification" }), {
      status: "Accepted",
    });
    await waitFor(() => cs.of("FirmwareStatusNotification").length === 5, "the triggered status");
    assert.equal(cs.of("FirmwareStatusNotification")[4].status, "Idle");
  });
});

Deno.test("simulator: a bad firmware URL is DownloadFailed after the retries, and the version stays", async () => {
  await withSimulator("CP-FW-BAD", {}, async (cs, fs) => {
    await cs.call("UpdateFirmware", {
      location: `${fs.url}/fw/missing.bin`,
      retrieveDate: new Date().toISOString(),
      retries: 2,
      retryInterval: 0,
    });
    await waitFor(
      () => cs.of("FirmwareStatusNotification").some((p) => p.status === "DownloadFailed"),
      "DownloadFailed",
    );
    assert.deepEqual(cs.of("FirmwareStatusNotification").map((p) => p.status), [
      "Downloading",
      "Downloading",
      "Downloading",
      "DownloadFailed",
    ]);
    assert.deepEqual(fs.gets, ["/fw/missing.bin", "/fw/missing.bin", "/fw/missing.bin"]);
    assert.equal(cs.of("BootNotification").length, 1);
  });
});

Deno.test("simulator: an image that says `install: fail` is InstallationFailed, without a reboot", async () => {
  await withSimulator("CP-FW-FAIL", { "/fw/broken-3.0.bin": text("install: fail\n") }, async (cs, fs) => {
    await cs.call("UpdateFirmware", {
      location: `${fs.url}/fw/broken-3.0.bin`,
      retrieveDate: new Date().toISOString(),
    });
    await waitFor(() => cs.of("FirmwareStatusNotification").length === 3, "three statuses");
    assert.deepEqual(cs.of("FirmwareStatusNotification").map((p) => p.status), [
      "Downloading",
      "Downloaded",
      "InstallationFailed",
    ]);
    assert.equal(cs.of("BootNotification").length, 1);
  });
});

Deno.test("simulator: GetDiagnostics uploads a real diagnostics file; GetLog a log", async () => {
  await withSimulator("CP-DIAG", {}, async (cs, fs) => {
    const answer = await cs.call("GetDiagnostics", {
      location: `${fs.url}/upload/diag-1`,
      startTime: new Date(Date.now() - 3_600_000).toISOString(),
    });
    assert.match(answer.fileName, /^diagnostics-CP-DIAG-\d{8}T\d{6}Z\.txt$/);
    await waitFor(() => cs.of("DiagnosticsStatusNotification").length === 2, "Uploading, Uploaded");
    assert.deepEqual(cs.of("DiagnosticsStatusNotification").map((p) => p.status), ["Uploading", "Uploaded"]);
    assert.equal(fs.uploads.length, 1);
    const [up] = fs.uploads;
    assert.equal(up.path, "/upload/diag-1");
    assert.equal(up.fileName, answer.fileName);
    assert.match(up.text, /^# Chargewire simulator diagnostics\ncharger: CP-DIAG\n/);
    assert.match(up.text, /\nHeartbeatInterval=300\n/);
    assert.match(up.text, / boot {"status":"Accepted","interval":300}\n/);

    const log = await cs.call("GetLog", {
      logType: "SecurityLog",
      requestId: 42,
      log: { remoteLocation: `${fs.url}/upload/log-42` },
    });
    assert.equal(log.status, "Accepted");
    await waitFor(() => cs.of("LogStatusNotification").length === 2, "the log's statuses");
    assert.deepEqual(cs.of("LogStatusNotification"), [
      { status: "Uploading", requestId: 42 },
      { status: "Uploaded", requestId: 42 },
    ]);
    assert.equal(fs.uploads[1].fileName, log.filename);

    // An upload nobody takes fails after its retries.
    await cs.call("GetDiagnostics", { location: "http://127.0.0.1:1/nowhere", retries: 1, retryInterval: 0 });
    await waitFor(
      () => cs.of("DiagnosticsStatusNotification").some((p) => p.status === "UploadFailed"),
      "UploadFailed",
    );
    assert.deepEqual(cs.of("DiagnosticsStatusNotification").slice(2).map((p) => p.status), [
      "Uploading",
      "Uploading",
      "UploadFailed",
    ]);
  });
});

Deno.test("simulator: SignedUpdateFirmware checks the image's signature against the signing certificate", async () => {
  if (!HAS_OPENSSL) {
    console.log("skipped: openssl is not installed");
    return;
  }
  const dir = await Deno.makeTempDir();
  try {
    const certs = await makeTestCertificates(dir);
    const pem = await Deno.readTextFile(`${dir}/ca.pem`);
    const key = createPrivateKey(await Deno.readTextFile(`${dir}/ca.key`));
    const image = text("version: 9.9.9\nsigned image\n");
    const signature = sign("sha256", image, key).toString("base64");
    assert.ok(certs.caFile);
    await withSimulator("CP-SIGNED", {
      "/fw/signed.bin": image,
      "/fw/tampered.bin": text("version: 6.6.6\n"),
    }, async (cs, fs) => {
      const firmware = (path: string) => ({
        location: `${fs.url}${path}`,
        retrieveDateTime: new Date().toISOString(),
        signingCertificate: pem,
        signature,
      });
      assert.deepEqual(
        await cs.call("SignedUpdateFirmware", {
          requestId: 5,
          firmware: { ...firmware("/fw/x"), signingCertificate: "junk" },
        }),
        { status: "InvalidCertificate" },
      );
      assert.deepEqual(
        await cs.call("SignedUpdateFirmware", { requestId: 6, firmware: firmware("/fw/tampered.bin") }),
        {
          status: "Accepted",
        },
      );
      await waitFor(
        () => cs.of("SignedFirmwareStatusNotification").some((p) => p.status === "InvalidSignature"),
        "InvalidSignature",
      );
      assert.deepEqual(cs.of("SignedFirmwareStatusNotification"), [
        { status: "Downloading", requestId: 6 },
        { status: "Downloaded", requestId: 6 },
        { status: "InvalidSignature", requestId: 6 },
      ]);
      await cs.call("SignedUpdateFirmware", { requestId: 7, firmware: firmware("/fw/signed.bin") });
      await waitFor(() => cs.of("BootNotification").length >= 2, "the boot after the signed update");
      assert.deepEqual(cs.of("SignedFirmwareStatusNotification").slice(3).map((p) => p.status), [
        "Downloading",
        "Downloaded",
        "SignatureVerified",
        "Installing",
        "Installed",
        "InstallRebooting",
      ]);
      assert.equal(cs.of("BootNotification")[1].firmwareVersion, "9.9.9");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
