/**
 * The simulator's side of the OCPP 1.6 security extension against an independent strict central system
 * (npm ocpp-rpc): security events, the certificate store, ExtendedTriggerMessage and the charge point
 * certificate's CSR → CertificateSigned round trip, every frame checked by ocpp-rpc against the schemas.
 */
import assert from "node:assert/strict";
import { startChargePoint } from "../charger/mod.ts";
import { createTestCa, csrSubject } from "./certificate_support.ts";
import { type PeerSession, startPeerServer } from "./ocpp_rpc_peer.ts";
import { waitFor } from "./wait.ts";

const fixture = Deno.readTextFileSync(new URL("../charger/testdata/root_fixture.pem", import.meta.url));

interface Received {
  action: string;
  // deno-lint-ignore no-explicit-any
  params: any;
}

Deno.test("simulator: security events, certificates and ExtendedTriggerMessage against a strict 1.6 CSMS", async () => {
  const received: Received[] = [];
  const peer = await startPeerServer(["ocpp1.6"], (c) => {
    const record = (action: string, answer: unknown) =>
      c.handle(action, ({ params }) => {
        received.push({ action, params });
        return answer;
      });
    record("BootNotification", { currentTime: new Date().toISOString(), interval: 300, status: "Accepted" });
    for (
      const a of [
        "StatusNotification",
        "Heartbeat",
        "MeterValues",
        "SecurityEventNotification",
        "LogStatusNotification",
        "FirmwareStatusNotification",
      ]
    ) record(a, a === "Heartbeat" ? { currentTime: new Date().toISOString() } : {});
    record("SignCertificate", { status: "Accepted" });
  });
  const cp = startChargePoint({
    id: "CP-SEC",
    url: peer.url,
    tickMs: 200,
    rebootDelayMs: 300,
    backoff: { initialMs: 100, maxMs: 400 },
    config: { CpoName: "Acme Charging" },
  });
  const of = (action: string) => received.filter((r) => r.action === action).map((r) => r.params);
  const securityEvent = (type: string) =>
    waitFor(() => of("SecurityEventNotification").find((p) => p.type === type), type);
  try {
    const cs: PeerSession = await peer.nextClient();
    const startup = await securityEvent("StartupOfTheDevice");
    assert.ok(Date.parse(startup.timestamp) > 0);

    // The certificate store: install, list with the hash data OpenSSL computes, delete.
    assert.deepEqual(
      await cs.call("InstallCertificate", {
        certificateType: "CentralSystemRootCertificate",
        certificate: fixture,
      }),
      { status: "Accepted" },
    );
    await securityEvent("ReconfigurationOfSecurityParameters");
    assert.deepEqual(
      await cs.call("InstallCertificate", {
        certificateType: "ManufacturerRootCertificate",
        certificate: "nope",
      }),
      { status: "Rejected" },
    );
    const ids = await cs.call("GetInstalledCertificateIds", {
      certificateType: "CentralSystemRootCertificate",
    });
    assert.deepEqual(ids, {
      status: "Accepted",
      certificateHashData: [{
        hashAlgorithm: "SHA256",
        issuerNameHash: "0161d2e8c29461fe6939d427de46bb6a4df1af725113724528c58181d4d64020",
        issuerKeyHash: "f47f212f4ff4f8e4ee5e7e9b87e43a044c86b98c68b6fb895e563fa6baac6f3e",
        serialNumber: "3753db30d6bdc7dc13c45cb2e6fb3bb323b2a2ee",
      }],
    });
    assert.deepEqual(
      await cs.call("GetInstalledCertificateIds", { certificateType: "ManufacturerRootCertificate" }),
      { status: "NotFound" },
    );
    // deno-lint-ignore no-explicit-any
    const hash = (ids as any).certificateHashData[0];
    assert.deepEqual(await cs.call("DeleteCertificate", { certificateHashData: hash }), {
      status: "Accepted",
    });
    assert.deepEqual(await cs.call("DeleteCertificate", { certificateHashData: hash }), {
      status: "NotFound",
    });

    // SignChargePointCertificate: a real CSR for a fresh key; the chain a CA signs for it is taken.
    assert.deepEqual(
      await cs.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }),
      {
        status: "Accepted",
      },
    );
    const { csr } = await waitFor(() => of("SignCertificate")[0], "SignCertificate");
    assert.match(csrSubject(csr), /CN=CP-SEC/);
    assert.match(csrSubject(csr), /O=Acme Charging/);
    const ca = await createTestCa();
    const other = await createTestCa("CN=Someone Else");
    assert.deepEqual(
      await cs.call("CertificateSigned", { certificateChain: await other.sign(csr) + ca.pem }),
      {
        status: "Rejected",
      },
    );
    const invalid = await securityEvent("InvalidChargePointCertificate");
    assert.match(invalid.techInfo, /not signed by the next/);
    assert.deepEqual(await cs.call("CertificateSigned", { certificateChain: await ca.sign(csr) + ca.pem }), {
      status: "Accepted",
    });

    // The other triggers: shared ones take TriggerMessage's path, LogStatusNotification says Idle.
    assert.deepEqual(await cs.call("ExtendedTriggerMessage", { requestedMessage: "LogStatusNotification" }), {
      status: "Accepted",
    });
    assert.deepEqual(await waitFor(() => of("LogStatusNotification")[0], "LogStatusNotification"), {
      status: "Idle",
    });
    const meterValuesBefore = of("MeterValues").length;
    assert.deepEqual(
      await cs.call("ExtendedTriggerMessage", { requestedMessage: "MeterValues", connectorId: 1 }),
      { status: "Accepted" },
    );
    await waitFor(() => of("MeterValues").length > meterValuesBefore, "triggered MeterValues");
    assert.deepEqual(
      await cs.call("ExtendedTriggerMessage", { requestedMessage: "StatusNotification", connectorId: 9 }),
      { status: "Rejected" },
    );

    // A reset: once booted again, the charge point says so.
    assert.deepEqual(await cs.call("Reset", { type: "Hard" }), { status: "Accepted" });
    const reboot = await securityEvent("ResetOrReboot");
    assert.match(reboot.techInfo, /Hard reset/);
    assert.equal(of("BootNotification").length, 2);
  } finally {
    await cp.stop();
    await peer.close();
  }
});
