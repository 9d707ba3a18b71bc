/**
 * A Debian archive as apt reads it: the signed `InRelease` of each suite (OpenPGP-verified with the Debian
 * archive keyring), then each component's `Packages` index, fetched and checked against the SHA256 that
 * `InRelease` lists. Indexes are cached by their hash, so a rebuild only fetches `InRelease` again.
 * See https://wiki.debian.org/DebianRepository/Format.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { xz } from '@napi-rs/lzma';
import * as openpgp from 'openpgp';
import { bundledDebianKeys } from './debian-keyring.js';
import { externalFailure, invalidInput, ShipshapeError, wrap } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import { writeFileAtomic } from '../internal/files.js';
import type { AptSource } from './apt-sources.js';
import { field, parseDeb822 } from './deb822.js';
import { fetchBytes } from './http.js';
import { type PackageRecord, parsePackagesIndex } from './packages-index.js';

export const defaultKeyring = '/usr/share/keyrings/debian-archive-keyring.gpg';

const maxInRelease = 16 * 1024 * 1024;
const maxIndex = 256 * 1024 * 1024;

export interface ReleaseFile {
  path: string;
  size: number;
  sha256: string;
}

export interface Release {
  suite: string;
  codename: string;
  acquireByHash: boolean;
  files: Map<string, ReleaseFile>;
}

const keyringCache = new Map<string, Promise<openpgp.PublicKey[]>>();

async function loadKeyring(path: string): Promise<openpgp.PublicKey[]> {
  let promise = keyringCache.get(path);
  if (promise === undefined) {
    promise = (async () => {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        // not a Debian system: Debian 12's own keys, bundled, verify its archive
        if (path === defaultKeyring && (error as NodeJS.ErrnoException).code === 'ENOENT') bytes = Buffer.from(bundledDebianKeys, 'utf8');
        else throw wrap(error, `reading keyring ${path}`);
      }
      try {
        const keys = bytes.subarray(0, 5).toString('latin1') === '-----' ? await openpgp.readKeys({ armoredKeys: bytes.toString('utf8') }) : await openpgp.readKeys({ binaryKeys: bytes });
        return keys.map((k) => k.toPublic());
      } catch (error) {
        throw invalidInput(path, `not an OpenPGP keyring: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    })();
    keyringCache.set(path, promise);
  }
  return promise;
}

/** Verifies a clear-signed `InRelease` and returns the signed text. At least one signature must verify. */
export async function verifyInRelease(text: string, keyringPath: string, subject: string): Promise<string> {
  const keys = await loadKeyring(keyringPath);
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  } catch (error) {
    throw invalidInput(subject, `not a clear-signed OpenPGP message: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const result = await openpgp.verify({ message, verificationKeys: keys });
  const failures: string[] = [];
  for (const signature of result.signatures) {
    try {
      await signature.verified;
      return result.data;
    } catch (error) {
      failures.push(`${signature.keyID.toHex()}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw invalidInput(subject, `no valid signature from a key in ${keyringPath} (${failures.join('; ') || 'unsigned'})`);
}

/** Parses the (verified) Release text. */
export function parseRelease(text: string, subject: string): Release {
  const [stanza] = parseDeb822(text, subject);
  if (stanza === undefined) throw invalidInput(subject, 'empty Release file');
  const files = new Map<string, ReleaseFile>();
  for (const line of (field(stanza, 'SHA256') ?? '').split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    const [sha256, size, path] = parts as [string, string, string];
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalidInput(subject, `bad SHA256 entry for ${path}`);
    files.set(path, { path, size: Number(size), sha256 });
  }
  if (files.size === 0) throw invalidInput(subject, 'no SHA256 file list (apt needs one)');
  return {
    suite: field(stanza, 'Suite') ?? '',
    codename: field(stanza, 'Codename') ?? '',
    acquireByHash: field(stanza, 'Acquire-By-Hash')?.toLowerCase() === 'yes',
    files,
  };
}

function sha256hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes a file atomically (temp name + rename), so a crash never leaves a half-written cache entry. */
/** Reads a cached, content-addressed file; undefined when absent or corrupt. */
export async function readCached(path: string, sha256: string): Promise<Buffer | undefined> {
  try {
    const data = await readFile(path);
    return sha256hex(data) === sha256 ? data : undefined;
  } catch {
    return undefined;
  }
}

export interface ArchiveOptions {
  cacheDir: string;
  architecture: string;
  events: EventSink;
  /** Keyring for sources without `Signed-By` (default: Debian's archive keyring). */
  keyring?: string;
  /** Stops the downloads; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

function signalOf(options: ArchiveOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}

async function decompressIndex(data: Buffer, path: string, subject: string): Promise<string> {
  try {
    if (path.endsWith('.xz')) return (await xz.decompress(data)).toString('utf8');
    if (path.endsWith('.gz')) return gunzipSync(data).toString('utf8');
    return data.toString('utf8');
  } catch (error) {
    throw invalidInput(subject, `corrupt compressed index: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** Fetches and verifies one suite's InRelease. */
export async function fetchRelease(source: AptSource, options: ArchiveOptions): Promise<Release> {
  const url = `${source.uri}/dists/${source.suite}/InRelease`;
  const text = (await fetchBytes(url, maxInRelease, signalOf(options))).toString('utf8');
  const signed = await verifyInRelease(text, source.signedBy ?? options.keyring ?? defaultKeyring, url);
  const release = parseRelease(signed, url);
  if (release.suite !== source.suite && release.codename !== source.suite) {
    throw invalidInput(url, `is signed for suite "${release.suite}" (${release.codename}), not "${source.suite}"`);
  }
  return release;
}

/** Every package of a source's components for the architecture, verified against InRelease. */
export async function loadPackages(source: AptSource, release: Release, options: ArchiveOptions): Promise<PackageRecord[]> {
  const out: PackageRecord[] = [];
  for (const component of source.components) {
    const base = `${component}/binary-${options.architecture}/Packages`;
    const entry = release.files.get(`${base}.xz`) ?? release.files.get(`${base}.gz`) ?? release.files.get(base);
    if (entry === undefined) continue;
    const subject = `${source.uri}/dists/${source.suite}/${entry.path}`;
    const cachePath = join(options.cacheDir, 'indexes', entry.sha256);
    let data = await readCached(cachePath, entry.sha256);
    if (data === undefined) {
      const dir = entry.path.slice(0, entry.path.lastIndexOf('/'));
      const url = release.acquireByHash ? `${source.uri}/dists/${source.suite}/${dir}/by-hash/SHA256/${entry.sha256}` : subject;
      options.events({ kind: 'log', level: 'info', message: `fetching ${subject}` });
      data = await fetchBytes(url, Math.min(maxIndex, entry.size), signalOf(options));
      if (data.length !== entry.size || sha256hex(data) !== entry.sha256) {
        throw invalidInput(subject, `does not match the SHA256/size InRelease lists (${entry.sha256}, ${entry.size} bytes)`);
      }
      await writeFileAtomic(cachePath, data);
    }
    const text = await decompressIndex(data, entry.path, subject);
    out.push(...parsePackagesIndex(text, subject, source.uri));
  }
  return out;
}

/** Loads every configured source; a source that fails is an error naming it (no silent partial universe). */
export async function loadArchive(sources: readonly AptSource[], options: ArchiveOptions): Promise<PackageRecord[]> {
  const all: PackageRecord[] = [];
  for (const source of sources) {
    try {
      const release = await fetchRelease(source, options);
      all.push(...(await loadPackages(source, release, options)));
    } catch (error) {
      options.signal?.throwIfAborted();
      if (error instanceof ShipshapeError) throw error;
      throw externalFailure(`${source.uri} ${source.suite}`, error instanceof Error ? error.message : String(error), error);
    }
  }
  return all;
}
