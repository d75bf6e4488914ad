/**
 * The charge point's certificate store (OCPP 1.6 security whitepaper, use cases M03–M05): root
 * certificates the central system installs, lists by certificateHashData and deletes. A certificate is
 * identified as OCSP identifies one: the hash of its issuer's encoded name, the hash of its issuer's
 * public key, and its serial number, with SHA-256, -384 or -512 as asked. No I/O; parsing and hashing
 * are node:crypto's.
 */
import { createHash, X509Certificate } from "node:crypto";
import type { Ocpp16 } from "../shared/ocpp/mod.ts";
import { issuerNameDer, publicKeyBits } from "./der.ts";

export type CertificateUse = Ocpp16.InstallCertificateRequest["certificateType"];
export type CertificateHashData = Ocpp16.DeleteCertificateRequest["certificateHashData"];
export type HashAlgorithm = CertificateHashData["hashAlgorithm"];

const NODE_HASH: Record<HashAlgorithm, string> = { SHA256: "sha256", SHA384: "sha384", SHA512: "sha512" };

/** Parses one PEM certificate; undefined when it is not one. */
export function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** Splits a PEM bundle (a chain, leaf first) into its certificates' PEM blocks. */
export function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The OCPP serial number: hexadecimal, no "0x", no leading zeroes. */
function serialText(cert: X509Certificate): string {
  return cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, "");
}

/** `cert`'s certificateHashData, `issuer` being the certificate that signed it (itself for a root). */
export function hashData(
  cert: X509Certificate,
  issuer: X509Certificate,
  algorithm: HashAlgorithm,
): CertificateHashData {
  const hash = (bytes: Uint8Array) => createHash(NODE_HASH[algorithm]).update(bytes).digest("hex");
  const spki = new Uint8Array(issuer.publicKey.export({ type: "spki", format: "der" }));
  return {
    hashAlgorithm: algorithm,
    issuerNameHash: hash(issuerNameDer(new Uint8Array(cert.raw))),
    issuerKeyHash: hash(publicKeyBits(spki)),
    serialNumber: serialText(cert),
  };
}

function sameHash(a: CertificateHashData, b: CertificateHashData): boolean {
  return a.hashAlgorithm === b.hashAlgorithm &&
    a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() &&
    a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase() &&
    a.serialNumber.toLowerCase().replace(/^0+(?=.)/, "") ===
      b.serialNumber.toLowerCase().replace(/^0+(?=.)/, "");
}

interface Installed {
  use: CertificateUse;
  cert: X509Certificate;
  issuer: X509Certificate;
}

export class CertificateStore {
  #installed: Installed[] = [];

  /** `maxLength()`: how many certificates fit (CertificateStoreMaxLength); `now()`: for validity. */
  constructor(private readonly maxLength: () => number, private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.#installed.length;
  }

  /**
   * InstallCertificate: Rejected for what is not a valid certificate now, or whose issuer is neither itself
   * nor one installed (its issuerKeyHash could not be computed, nor its chain trusted); Failed when the
   * store is full. Installing one already there (same use) is Accepted and changes nothing.
   */
  install(use: CertificateUse, pem: string): Ocpp16.InstallCertificateResponse["status"] {
    const blocks = pemBlocks(pem);
    const cert = blocks.length === 1 ? parseCertificate(blocks[0]) : undefined;
    if (!cert) return "Rejected";
    const t = this.now();
    if (Date.parse(cert.validFrom) > t || Date.parse(cert.validTo) < t) return "Rejected";
    const issuer = this.#issuerOf(cert);
    if (!issuer) return "Rejected";
    if (this.#installed.some((i) => i.use === use && i.cert.fingerprint256 === cert.fingerprint256)) {
      return "Accepted";
    }
    if (this.#installed.length >= this.maxLength()) return "Failed";
    this.#installed.push({ use, cert, issuer });
    return "Accepted";
  }

  /** GetInstalledCertificateIds of one use, hashed with `algorithm` (SHA-256 unless asked otherwise). */
  ids(use: CertificateUse, algorithm: HashAlgorithm = "SHA256"): CertificateHashData[] {
    return this.#installed.filter((i) => i.use === use).map((i) => hashData(i.cert, i.issuer, algorithm));
  }

  /** DeleteCertificate: the certificate whose hash data (in the algorithm it names) matches. */
  delete(data: CertificateHashData): Ocpp16.DeleteCertificateResponse["status"] {
    const i = this.#installed.findIndex((c) =>
      sameHash(hashData(c.cert, c.issuer, data.hashAlgorithm), data)
    );
    if (i < 0) return "NotFound";
    this.#installed.splice(i, 1);
    return "Accepted";
  }

  /** A self-signed certificate is its own issuer; otherwise an installed one that signed it. */
  #issuerOf(cert: X509Certificate): X509Certificate | undefined {
    if (cert.checkIssued(cert) && cert.verify(cert.publicKey)) return cert;
    return this.#installed.map((i) => i.cert).find((c) => cert.checkIssued(c) && cert.verify(c.publicKey));
  }
}
