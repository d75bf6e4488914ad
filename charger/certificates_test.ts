import assert from "node:assert/strict";
import { createTestCa } from "../tests/certificate_support.ts";
import { CertificateStore } from "./certificates.ts";
import { ChargePointCertificate } from "./cp_certificate.ts";

const fixture = Deno.readTextFileSync(new URL("./testdata/root_fixture.pem", import.meta.url));

// Computed independently with `openssl ocsp -sha256|-sha384 -issuer root_fixture.pem -cert root_fixture.pem
// -req_text`: OCSP's CertID is exactly OCPP's certificateHashData.
const OPENSSL_SHA256 = {
  hashAlgorithm: "SHA256",
  issuerNameHash: "0161d2e8c29461fe6939d427de46bb6a4df1af725113724528c58181d4d64020",
  issuerKeyHash: "f47f212f4ff4f8e4ee5e7e9b87e43a044c86b98c68b6fb895e563fa6baac6f3e",
  serialNumber: "3753db30d6bdc7dc13c45cb2e6fb3bb323b2a2ee",
} as const;
const OPENSSL_SHA384_NAME_PREFIX = "9edf7525b794307be614c0d5b94c5ba8606c86e9f5e291aa21e1346f4986e0a44bb306";

Deno.test("certificates: the hash data of an installed root is what OpenSSL computes for it", () => {
  const store = new CertificateStore(() => 10);
  assert.equal(store.install("CentralSystemRootCertificate", fixture), "Accepted");
  assert.deepEqual(store.ids("CentralSystemRootCertificate"), [OPENSSL_SHA256]);
  const [sha384] = store.ids("CentralSystemRootCertificate", "SHA384");
  assert.ok(sha384.issuerNameHash.startsWith(OPENSSL_SHA384_NAME_PREFIX));
  assert.equal(sha384.issuerNameHash.length, 96);
  assert.deepEqual(store.ids("ManufacturerRootCertificate"), []);
});

Deno.test("certificates: delete finds a certificate by its hash data in any algorithm, once", () => {
  const store = new CertificateStore(() => 10);
  store.install("ManufacturerRootCertificate", fixture);
  const [sha512] = store.ids("ManufacturerRootCertificate", "SHA512");
  assert.equal(
    store.delete({ ...OPENSSL_SHA256, serialNumber: "00" + OPENSSL_SHA256.serialNumber }),
    "Accepted",
  );
  assert.equal(store.delete(sha512), "NotFound");
  assert.equal(store.size, 0);
});

Deno.test("certificates: install refuses what is not one valid root or child of one, and a full store", async () => {
  const store = new CertificateStore(() => 1);
  assert.equal(store.install("CentralSystemRootCertificate", "not a certificate"), "Rejected");
  assert.equal(store.install("CentralSystemRootCertificate", fixture + fixture), "Rejected");
  const expired = new CertificateStore(() => 10, () => Date.parse("2200-01-01T00:00:00Z"));
  assert.equal(expired.install("CentralSystemRootCertificate", fixture), "Rejected");
  assert.equal(store.install("CentralSystemRootCertificate", fixture), "Accepted");
  assert.equal(
    store.install("CentralSystemRootCertificate", fixture),
    "Accepted",
    "the same again changes nothing",
  );
  const ca = await createTestCa();
  assert.equal(store.install("CentralSystemRootCertificate", ca.pem), "Failed");
  // A certificate signed by a CA the store does not hold: no issuer key to hash, no trust.
  const own = new ChargePointCertificate();
  const leaf = await ca.sign(await own.request("CP-1", "Acme"));
  assert.equal(new CertificateStore(() => 10).install("CentralSystemRootCertificate", leaf), "Rejected");
});

Deno.test("charge point certificate: a chain for the requested key is accepted, any other rejected", async () => {
  const ca = await createTestCa();
  const own = new ChargePointCertificate();
  const otherCsr = await new ChargePointCertificate().request("CP-1", "Acme");
  const csr = await own.request("CP-1", "Acme, Inc.");
  assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
  const wrongKey = own.accept(await ca.sign(otherCsr) + ca.pem);
  assert.equal(wrongKey.status, "Rejected");
  assert.equal(own.accept("garbage").status, "Rejected");
  const other = await createTestCa("CN=Other CA");
  const leaf = await ca.sign(csr);
  assert.equal(own.accept(leaf + other.pem).status, "Rejected", "a chain whose next link did not sign it");
  assert.deepEqual(own.accept(leaf + ca.pem), { status: "Accepted" });
  assert.match(own.current?.subject ?? "", /CN=CP-1/);
  assert.equal(own.accept(leaf).status, "Rejected", "no request pending any more");
});
