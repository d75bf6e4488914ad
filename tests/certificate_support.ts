/**
 * A test certificate authority (@peculiar/x509 over WebCrypto): self-signed roots, and certificates for a
 * PKCS#10 request, as a central system's CA would issue them. Test-only.
 */
import * as x509 from "@peculiar/x509";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface TestCa {
  pem: string;
  /** A certificate for the CSR's subject and key, signed by this CA. */
  sign(csrPem: string, options?: { serialNumber?: string; notAfter?: Date }): Promise<string>;
}

export async function createTestCa(name = "CN=Chargewire Test CA", serialNumber = "0a1b"): Promise<TestCa> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    name,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return {
    pem: cert.toString("pem"),
    async sign(csrPem, options = {}) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      if (!(await csr.verify())) throw new Error("CSR signature does not verify");
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: options.serialNumber ?? "01f3",
        subject: csr.subject,
        issuer: cert.subject,
        notBefore: new Date(Date.now() - DAY_MS),
        notAfter: options.notAfter ?? new Date(Date.now() + DAY_MS),
        signingAlgorithm: ALGORITHM,
        publicKey: await csr.publicKey.export(),
        signingKey: keys.privateKey,
      });
      return leaf.toString("pem");
    },
  };
}

/** The CSR's subject, as a CA reads it. */
export function csrSubject(csrPem: string): string {
  return new x509.Pkcs10CertificateRequest(csrPem).subject;
}
