/**
 * Just enough DER to find the two parts of an X.509 certificate that OCPP's certificateHashData hashes
 * (the issuer's encoded name, the issuer's public key bits) and which no parser we use hands out raw.
 * Pure.
 */

/** One tag-length-value: where its contents start and end in the buffer. */
export interface Tlv {
  tag: number;
  /** First byte of the whole TLV. */
  start: number;
  /** First byte of its contents. */
  contentStart: number;
  /** One past its last byte. */
  end: number;
}

/** The TLV at `offset`; throws a RangeError on a truncated or indefinite-length encoding. */
export function readTlv(der: Uint8Array, offset: number): Tlv {
  if (offset + 2 > der.length) throw new RangeError("DER: truncated");
  const tag = der[offset];
  let len = der[offset + 1];
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new RangeError("DER: unsupported length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[pos++];
  }
  const end = pos + len;
  if (end > der.length) throw new RangeError("DER: truncated");
  return { tag, start: offset, contentStart: pos, end };
}

/** The TLVs directly inside a constructed one. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.contentStart; pos < parent.end;) {
    const t = readTlv(der, pos);
    out.push(t);
    pos = t.end;
  }
  return out;
}

/**
 * A certificate's issuer Name as encoded (tag and length included), which is what OCSP's and OCPP's
 * issuerNameHash is over: Certificate → tbsCertificate → [version], serialNumber, signature, issuer.
 */
export function issuerNameDer(cert: Uint8Array): Uint8Array {
  const tbs = children(cert, readTlv(cert, 0))[0];
  const fields = children(cert, tbs);
  const i = fields[0].tag === 0xa0 ? 3 : 2; // the explicit [0] version is absent in v1 certificates
  const issuer = fields[i];
  return cert.subarray(issuer.start, issuer.end);
}

/**
 * The subjectPublicKey BIT STRING's key bits of a SubjectPublicKeyInfo (its unused-bits byte left out,
 * as OpenSSL hashes it for issuerKeyHash).
 */
export function publicKeyBits(spki: Uint8Array): Uint8Array {
  const [, bits] = children(spki, readTlv(spki, 0));
  if (!bits || bits.tag !== 0x03) throw new RangeError("DER: no subjectPublicKey");
  return spki.subarray(bits.contentStart + 1, bits.end);
}
