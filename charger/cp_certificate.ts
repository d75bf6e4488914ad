/**
 * The charge point's own certificate (OCPP 1.6 security whitepaper, A02/A03): a fresh key pair and a
 * PKCS#10 request for it (SignCertificate), then the chain the central system sends back
 * (CertificateSigned), taken only when its leaf carries that key and each certificate is signed by the
 * next. Key and CSR are real (WebCrypto, @peculiar/x509); the key never leaves this object.
 */
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { parseCertificate, pemBlocks } from "./certificates.ts";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** Characters a distinguished name's value may not carry unescaped. */
function dnValue(s: string): string {
  return s.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}

export class ChargePointCertificate {
  #pendingSpki?: Uint8Array;
  #current?: X509Certificate;

  constructor(private readonly now: () => number = Date.now) {}

  /** The certificate in use, once a CertificateSigned was accepted. */
  get current(): X509Certificate | undefined {
    return this.#current;
  }

  /** A new key pair and its CSR (PEM); a CertificateSigned must then carry this key. */
  async request(chargePointId: string, organization: string): Promise<string> {
    const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
    const name = `CN=${dnValue(chargePointId)}` + (organization ? `, O=${dnValue(organization)}` : "");
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name,
      keys,
      signingAlgorithm: ALGORITHM,
    });
    this.#pendingSpki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    return csr.toString("pem");
  }

  /**
   * CertificateSigned: Accepted when the chain (leaf first) is valid now, each certificate signed by the
   * next, and the leaf's key is the one last requested; the reason otherwise.
   */
  accept(chainPem: string): { status: "Accepted" } | { status: "Rejected"; why: string } {
    const certs = pemBlocks(chainPem).map(parseCertificate);
    if (certs.length === 0 || certs.some((c) => !c)) return { status: "Rejected", why: "not a PEM chain" };
    const chain = certs as X509Certificate[];
    const t = this.now();
    if (chain.some((c) => Date.parse(c.validFrom) > t || Date.parse(c.validTo) < t)) {
      return { status: "Rejected", why: "a certificate is not valid now" };
    }
    for (let i = 0; i + 1 < chain.length; i++) {
      if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) {
        return { status: "Rejected", why: `certificate ${i + 1} is not signed by the next` };
      }
    }
    const leafSpki = new Uint8Array(chain[0].publicKey.export({ type: "spki", format: "der" }));
    const pending = this.#pendingSpki;
    if (!pending || !sameBytes(leafSpki, pending)) {
      return { status: "Rejected", why: "the certificate is not for the key this charge point requested" };
    }
    this.#current = chain[0];
    this.#pendingSpki = undefined;
    return { status: "Accepted" };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
