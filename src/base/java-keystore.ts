/**
 * Java's `cacerts` trust store, built from the same certificates as the CA bundle, as Debian's ca-certificates-java
 * does in its maintainer script (which never runs here) and distroless does at build time. The format is JKS, the
 * one ca-certificates-java writes and every JDK since 9 reads whatever its default keystore type
 * (`keystore.type.compat`). A JKS file of trusted certificates is simple and fully specified by the JDK's
 * `sun.security.provider.JavaKeyStore`: magic, version, entries, then a SHA-1 keyed with the store password.
 */
import { createHash } from 'node:crypto';
import { invalidInput } from '../internal/errors.js';

/** The password every JDK and Debian use for `cacerts`. */
export const cacertsPassword = 'changeit';

export interface TrustedCertificate {
  /** Unique name in the store (Debian: `debian:<file>.pem`, lowercased). */
  alias: string;
  /** The certificate, DER-encoded. */
  der: Buffer;
}

/** The DER certificates of a PEM text (one file may hold several). */
export function pemCertificates(pem: string, subject: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m !== null; m = re.exec(pem)) {
    const body = (m[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw invalidInput(subject, 'a CERTIFICATE block is not base64');
    out.push(Buffer.from(body, 'base64'));
  }
  return out;
}

/**
 * Java's modified UTF-8 with a 2-byte length (DataOutputStream.writeUTF): UTF-16 code units encoded one by one
 * (surrogates separately, 3 bytes each), and U+0000 as two bytes.
 */
function utf(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) bytes.push(c);
    else if (c <= 0x7ff) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  if (bytes.length > 0xffff) throw invalidInput(`keystore alias "${text.slice(0, 40)}…"`, 'is over 65535 bytes');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, Buffer.from(bytes)]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/**
 * A JKS trust store holding `certs` (sorted by alias, so the bytes depend only on the input), every entry dated
 * `dateMs` (SOURCE_DATE_EPOCH, for reproducible images).
 */
export function jksTrustStore(certs: readonly TrustedCertificate[], dateMs: number, password = cacertsPassword): Buffer {
  const sorted = [...certs].sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.alias === sorted[i - 1]?.alias) throw invalidInput(`keystore alias "${sorted[i]?.alias ?? ''}"`, 'is used twice');
  }
  const date = Buffer.alloc(8);
  date.writeBigUInt64BE(BigInt(dateMs));
  const parts: Buffer[] = [u32(0xfeedfeed), u32(2), u32(sorted.length)];
  for (const c of sorted) {
    // tag 2: a trusted certificate entry (1 would be a private key)
    parts.push(u32(2), utf(c.alias), date, utf('X.509'), u32(c.der.length), c.der);
  }
  const body = Buffer.concat(parts);
  // JavaKeyStore.getPreKeyedHash: the password as UTF-16BE, then the JDK's fixed salt, then the store.
  const hash = createHash('sha1').update(Buffer.from(password, 'utf16le').swap16()).update('Mighty Aphrodite', 'utf8').update(body).digest();
  return Buffer.concat([body, hash]);
}
