/**
 * Assembling a distroless-style root filesystem from unpacked packages and generated files, and writing it as
 * one deterministic layer tar: entries sorted by path, every mtime the same, ownership as the package says
 * (root for generated files but the nonroot home), hard links materialised as files (their targets may sort
 * after them).
 */
import { X509Certificate } from 'node:crypto';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { pack } from 'tar-stream';
import { invalidInput } from '../internal/errors.js';
import type { DebContents, TarEntry } from './deb.js';
import { jksTrustStore, pemCertificates, type TrustedCertificate } from './java-keystore.js';

export const nonrootUid = 65532;

export class Rootfs {
  readonly entries = new Map<string, TarEntry>();

  /** Adds a package's entries; a path another package already placed keeps its first owner (dpkg would refuse). */
  addPackage(contents: DebContents, subject: string): void {
    for (const entry of contents.entries) {
      const existing = this.entries.get(entry.path);
      if (existing !== undefined) {
        if (existing.type === 'directory' && entry.type === 'directory') continue;
        continue;
      }
      if (entry.type === 'link') {
        const target = this.entries.get(entry.linkname ?? '');
        if (target?.type !== 'file') throw invalidInput(subject, `hard link ${entry.path} points to ${entry.linkname ?? ''}, which is not a regular file before it`);
        this.entries.set(entry.path, { ...entry, type: 'file', data: target.data ?? Buffer.alloc(0) });
        continue;
      }
      this.entries.set(entry.path, entry);
    }
  }

  /** Adds or replaces a generated file or directory, creating missing parents (0755, root). */
  put(entry: Omit<TarEntry, 'uname' | 'gname' | 'uid' | 'gid'> & Partial<Pick<TarEntry, 'uid' | 'gid'>>): void {
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!this.entries.has(parent)) this.entries.set(parent, { path: parent, type: 'directory', mode: 0o755, uid: 0, gid: 0, uname: 'root', gname: 'root' });
    }
    const uid = entry.uid ?? 0;
    const gid = entry.gid ?? 0;
    this.entries.set(entry.path, { ...entry, uid, gid, uname: uid === 0 ? 'root' : '', gname: gid === 0 ? 'root' : '' });
  }

  file(path: string, data: string | Buffer, mode = 0o644): void {
    this.put({ path, type: 'file', mode, data: typeof data === 'string' ? Buffer.from(data) : data });
  }

  get(path: string): TarEntry | undefined {
    return this.entries.get(path);
  }

  /** Total bytes of regular files. */
  size(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.data?.length ?? 0;
    return n;
  }

  /** The layer tar. Parents always precede children because a parent's path is a prefix, so sorts first. */
  async toTar(mtime: number): Promise<Buffer> {
    const paths = [...this.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const p = pack();
    const out = buffer(p);
    const date = new Date(mtime * 1000);
    for (const path of paths) {
      const e = this.entries.get(path);
      if (e === undefined) continue;
      const header = { name: path, mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, mtime: date };
      if (e.type === 'file') {
        await new Promise<void>((resolve, reject) => {
          p.entry({ ...header, type: 'file', size: e.data?.length ?? 0 }, e.data ?? Buffer.alloc(0), (error) => {
            if (error) reject(error);
            else resolve();
          });
        });
      } else if (e.type === 'directory') p.entry({ ...header, type: 'directory' });
      else p.entry({ ...header, type: 'symlink', linkname: e.linkname ?? '' });
    }
    p.finalize();
    return out;
  }
}

/** /etc/passwd and /etc/group as distroless writes them: root, nobody, and nonroot 65532 with its home. */
export function addUsers(rootfs: Rootfs): void {
  rootfs.file('etc/passwd', ['root:x:0:0:root:/root:/sbin/nologin', 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin', `nonroot:x:${nonrootUid}:${nonrootUid}:nonroot:/home/nonroot:/sbin/nologin`, ''].join('\n'));
  rootfs.file('etc/group', ['root:x:0:', 'tty:x:5:', 'staff:x:50:', 'nogroup:x:65534:', `nonroot:x:${nonrootUid}:`, ''].join('\n'));
  rootfs.put({ path: 'root', type: 'directory', mode: 0o700 });
  rootfs.put({ path: 'home/nonroot', type: 'directory', mode: 0o700, uid: nonrootUid, gid: nonrootUid });
  rootfs.put({ path: 'tmp', type: 'directory', mode: 0o1777 });
}

/** glibc's name-service configuration: files first, DNS for hosts (no NIS, no systemd modules in the image). */
export function addNsswitch(rootfs: Rootfs): void {
  rootfs.file('etc/nsswitch.conf', ['passwd:         files', 'group:          files', 'shadow:         files', 'gshadow:        files', '', 'hosts:          files dns', 'networks:       files', '', 'protocols:      db files', 'services:       db files', 'ethers:         db files', 'rpc:            db files', ''].join('\n'));
}

/**
 * `/etc/os-release` as a file (base-files ships a symlink to usr/lib/os-release): Debian's identity, which
 * scanners match on, with a PRETTY_NAME saying what built it.
 */
export function addOsRelease(rootfs: Rootfs): void {
  const debian = rootfs.get('usr/lib/os-release')?.data?.toString('utf8') ?? 'NAME="Debian GNU/Linux"\nID=debian\n';
  const lines = debian.split('\n').filter((l) => l !== '' && !l.startsWith('PRETTY_NAME='));
  const version = /^VERSION_ID="?([^"\n]*)"?$/m.exec(debian)?.[1];
  rootfs.file('etc/os-release', [`PRETTY_NAME="shipshape base (Debian GNU/Linux${version === undefined ? '' : ` ${version}`})"`, ...lines, ''].join('\n'));
}

/** Checks that a PEM file holds at least one parsable certificate; returns it normalised to end with a newline. */
export function checkPem(text: string, subject: string): string {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw invalidInput(subject, 'no PEM certificate ("-----BEGIN CERTIFICATE-----") in it');
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw invalidInput(subject, `unparsable certificate: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
  return `${blocks.join('\n')}\n`;
}

/**
 * The CA bundle as distroless makes it: every certificate of the ca-certificates package
 * (`usr/share/ca-certificates/**\/*.crt`), in path order, concatenated into /etc/ssl/certs/ca-certificates.crt,
 * plus the user's extra CAs; the package's copyright file stays for licence scanners. No hash symlinks.
 */
export function addCaBundle(rootfs: Rootfs, caPackage: DebContents | undefined, extra: readonly { name: string; pem: string }[]): CaCertificate[] {
  const found: CaCertificate[] = [];
  if (caPackage !== undefined) {
    const certs = caPackage.entries.filter((e) => e.type === 'file' && e.path.startsWith('usr/share/ca-certificates/') && e.path.endsWith('.crt')).sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const c of certs) found.push({ name: c.path, pem: c.data?.toString('utf8').trimEnd() ?? '', origin: 'debian' });
    const copyright = caPackage.entries.find((e) => e.path === 'usr/share/doc/ca-certificates/copyright');
    if (copyright?.data !== undefined) rootfs.file(copyright.path, copyright.data);
  }
  for (const e of extra) found.push({ name: e.name, pem: checkPem(e.pem, e.name).trimEnd(), origin: 'extra' });
  rootfs.file('etc/ssl/certs/ca-certificates.crt', found.length === 0 ? '' : `${found.map((c) => c.pem).join('\n')}\n`);
  return found;
}

/** A certificate of the bundle: from the ca-certificates package (its path there) or added with --ca-cert. */
export interface CaCertificate {
  name: string;
  pem: string;
  origin: 'debian' | 'extra';
}

/**
 * `/etc/ssl/certs/java/cacerts` from the bundle's certificates, named as ca-certificates-java names them
 * (`debian:<file>.pem`, from the /etc/ssl/certs link names); the JREs' `lib/security/cacerts` links there.
 */
export function addJavaCacerts(rootfs: Rootfs, certs: readonly CaCertificate[], epoch: number): number {
  const entries: TrustedCertificate[] = [];
  for (const c of certs) {
    const base = (c.name.split('/').pop() ?? c.name).replace(/\.(crt|pem)$/, '');
    const ders = pemCertificates(c.pem, c.name);
    ders.forEach((der, i) => {
      const alias = `${c.origin === 'debian' ? 'debian' : 'shipshape'}:${base}${ders.length > 1 ? `-${String(i + 1)}` : ''}.pem`.toLowerCase();
      entries.push({ alias, der });
    });
  }
  rootfs.file('etc/ssl/certs/java/cacerts', jksTrustStore(entries, epoch * 1000));
  return entries.length;
}

/**
 * dpkg's view for scanners, as distroless writes it: `var/lib/dpkg/status.d/<name>` holding the package's
 * control stanza with a Status line, and `<name>.md5sums` beside it (syft and trivy read both).
 */
export function addDpkgStatus(rootfs: Rootfs, name: string, contents: DebContents): void {
  const control = contents.control.trimEnd().split('\n');
  const at = control.findIndex((l) => l.toLowerCase().startsWith('package:'));
  control.splice(at + 1, 0, 'Status: install ok installed');
  rootfs.file(`var/lib/dpkg/status.d/${name}`, `${control.join('\n')}\n`);
  if (contents.md5sums !== undefined) rootfs.file(`var/lib/dpkg/status.d/${name}.md5sums`, contents.md5sums);
}

/** md5 of a buffer in hex (dpkg md5sums format). */
export function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}
