/**
 * A Debian archive as apt reads it: the signed `InRelease` of each suite (OpenPGP-verified with the Debian
 * archive keyring), then each component's `Packages` index, fetched and checked against the SHA256 that
 * `InRelease` lists. Indexes are cached by their hash, so a rebuild only fetches `InRelease` again.
 * See https://wiki.debian.org/DebianRepository/Format.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { xz } from '@napi-rs/lzma';
import type * as OpenPGP from 'openpgp';
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
  /** `Date:` as written (when the archive was published), if present. */
  date?: string;
  /** `Valid-Until:` as written (after which apt refuses the file), if present. */
  validUntil?: string;
}

const keyringBytesCache = new Map<string, Promise<Buffer>>();

/** A keyring file's bytes (Debian 12's bundled keys for the default keyring on a machine without it). */
async function keyringBytes(path: string): Promise<Buffer> {
  let promise = keyringBytesCache.get(path);
  if (promise === undefined) {
    promise = readFile(path).catch((error: unknown) => {
      // not a Debian system: Debian 12's own keys, bundled, verify its archive
      if (path === defaultKeyring && (error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.from(bundledDebianKeys, 'utf8');
      throw wrap(error, `reading keyring ${path}`);
    });
    keyringBytesCache.set(path, promise);
  }
  return promise;
}

const keyringCache = new Map<string, Promise<OpenPGP.PublicKey[]>>();

async function loadKeyring(path: string): Promise<OpenPGP.PublicKey[]> {
  let promise = keyringCache.get(path);
  if (promise === undefined) {
    promise = (async () => {
      const bytes = await keyringBytes(path);
      const openpgp = await import('openpgp');
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
  const openpgp = await import('openpgp');
  let message: OpenPGP.CleartextMessage;
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

/**
 * The signed text of a clear-signed message, read as RFC 4880 §7.1 frames it (armor headers, a blank line, the
 * dash-escaped text, the line break before the signature not part of it); undefined when it is not so framed.
 */
export function cleartextOf(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '-----BEGIN PGP SIGNED MESSAGE-----') return undefined;
  const blank = lines.indexOf('', 1);
  if (blank < 0 || lines.slice(1, blank).some((l) => !/^[A-Za-z]+: /.test(l))) return undefined;
  const end = lines.indexOf('-----BEGIN PGP SIGNATURE-----', blank + 1);
  if (end < 0) return undefined;
  return lines
    .slice(blank + 1, end)
    .map((l) => (l.startsWith('- ') ? l.slice(2) : l).trimEnd())
    .join('\n');
}

/** How long a verification is remembered: a key revoked or expired since then is noticed a day later at most. */
const verifiedFor = 24 * 3600_000;

/**
 * `verifyInRelease` remembering what it verified: verifying costs loading OpenPGP and parsing the keyring (~0.4 s
 * here), and `build` checks the archive on every run while an `InRelease` changes about daily. A marker named after
 * the keyring's bytes and the `InRelease`'s bytes says those bytes verified with that keyring; it is written only
 * when `cleartextOf` gives the very text OpenPGP verified, so a later run takes the text from the bytes it fetched,
 * never from the cache. A marker older than a day is verified again.
 */
async function verifiedRelease(text: string, keyringPath: string, subject: string, cacheDir: string): Promise<string> {
  const keyring = await keyringBytes(keyringPath);
  const marker = join(cacheDir, 'verified-releases', createHash('sha256').update(sha256hex(keyring)).update('\n').update(text).digest('hex'));
  const seen = await stat(marker).catch(() => undefined);
  const clear = cleartextOf(text);
  if (seen !== undefined && clear !== undefined && Date.now() - seen.mtimeMs < verifiedFor) return clear;
  const data = await verifyInRelease(text, keyringPath, subject);
  // a cache write: a read-only cache verifies every time
  if (clear === data) await writeFileAtomic(marker, '').catch(() => undefined);
  return data;
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
  const date = field(stanza, 'Date');
  const validUntil = field(stanza, 'Valid-Until');
  return {
    suite: field(stanza, 'Suite') ?? '',
    codename: field(stanza, 'Codename') ?? '',
    acquireByHash: field(stanza, 'Acquire-By-Hash')?.toLowerCase() === 'yes',
    files,
    ...(date === undefined || date === '' ? {} : { date }),
    ...(validUntil === undefined || validUntil === '' ? {} : { validUntil }),
  };
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Milliseconds since the epoch of a Release file date, the RFC 2822 form the archive tools write
 * (`Sat, 05 Dec 2026 20:19:49 UTC`; `GMT`, `Z` or a `+hhmm` offset too); undefined when it is not one.
 */
export function parseReleaseDate(text: string): number | undefined {
  const m = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(UTC|GMT|Z|[+-]\d{4})$/i.exec(text.trim());
  if (m === null) return undefined;
  const [, day, monthName, year, hour, minute, second, zone] = m;
  const month = months.indexOf((monthName ?? '').toLowerCase());
  const [d, y, h, min, sec] = [day, year, hour, minute, second].map(Number) as [number, number, number, number, number];
  if (month < 0 || h > 23 || min > 59 || sec > 60) return undefined;
  const utc = Date.UTC(y, month, d, h, min, Math.min(sec, 59));
  // Date.UTC rolls 31 Feb over to March: a day the month lacks is no date
  if (new Date(utc).getUTCDate() !== d) return undefined;
  const offset = zone !== undefined && /^[+-]/.test(zone) ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000 : 0;
  return utc - offset;
}

/** A duration as apt prints it: `2d 3h 4min 5s`, leading zero units left out. */
function duration(ms: number): string {
  let rest = Math.ceil(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
  }
  parts.push(`${rest}s`);
  return parts.join(' ');
}

/** apt's `Acquire::Max-FutureTime` default: a Release `Date` this far ahead of the clock is tolerated. */
const maxFutureMs = 10_000;

export interface FreshnessChecks {
  /** Refuse a Release whose `Valid-Until` has passed (apt's `Acquire::Check-Valid-Until`, default on). */
  checkValidUntil: boolean;
  /** Refuse a Release whose `Date` is ahead of the clock (apt's `Acquire::Check-Date`, default on). */
  checkDate: boolean;
  /**
   * Seconds after its `Date` that a Release stays valid at most (apt's `Acquire::Max-ValidTime`): an earlier
   * `Valid-Until` still wins, and a Release without one expires then. Only with `checkValidUntil`.
   */
  maxValidTime?: number;
  /**
   * Seconds after its `Date` that a Release stays valid at least (apt's `Acquire::Min-ValidTime`): a `Valid-Until`
   * earlier than that is pushed back to it. A Release without `Valid-Until` gets none. Only with `checkValidUntil`.
   */
  minValidTime?: number;
  /** The clock, in ms since the epoch: the real one, never SOURCE_DATE_EPOCH. */
  now: number;
}

/** A Release date as the archive writes it: `Sat, 05 Dec 2026 20:19:49 UTC`. */
function releaseDateText(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', 'UTC');
}

function parsedDate(value: string, name: string, subject: string): number {
  const ms = parseReleaseDate(value);
  if (ms === undefined) throw invalidInput(subject, `invalid ${name} "${value}"`);
  return ms;
}

/**
 * apt's freshness checks on a verified Release: a validly signed but old `InRelease` (a stale mirror, or one that
 * withholds security updates on purpose) is refused once its `Valid-Until` has passed; one dated in the future
 * means a wrong clock (or a forged date) and is refused too. A field that is absent is not checked, as apt does.
 * The validity end is computed as apt's `debReleaseIndex` does: `Valid-Until`, raised to `Date + minValidTime` when
 * earlier, then lowered to `Date + maxValidTime` when later (or set to it when the Release has no `Valid-Until`, as
 * a local mirror or an archive made by aptly or reprepro often has not).
 */
export function checkFreshness(release: Release, subject: string, checks: FreshnessChecks): void {
  const needDate = checks.checkDate || (checks.checkValidUntil && (checks.maxValidTime !== undefined || checks.minValidTime !== undefined));
  const date = needDate && release.date !== undefined ? parsedDate(release.date, 'Date', subject) : undefined;
  if (checks.checkValidUntil) {
    const written = release.validUntil === undefined ? undefined : parsedDate(release.validUntil, 'Valid-Until', subject);
    let validUntil = written;
    let why: 'valid-until' | 'min' | 'max' = 'valid-until';
    if (checks.minValidTime !== undefined && validUntil !== undefined && date !== undefined && validUntil < date + checks.minValidTime * 1000) {
      validUntil = date + checks.minValidTime * 1000;
      why = 'min';
    }
    if (checks.maxValidTime !== undefined && date !== undefined && (validUntil === undefined || validUntil > date + checks.maxValidTime * 1000)) {
      validUntil = date + checks.maxValidTime * 1000;
      why = 'max';
    }
    if (validUntil !== undefined && validUntil < checks.now) {
      if (why === 'valid-until') {
        throw invalidInput(subject, `is expired (invalid since ${release.validUntil ?? ''}): the mirror serving it is out of date or withholding updates; --no-check-valid-until (base.checkValidUntil: false) accepts it, e.g. for snapshot.debian.org`);
      }
      const limit = why === 'max' ? `max-valid-time ${checks.maxValidTime ?? 0}s` : `min-valid-time ${checks.minValidTime ?? 0}s`;
      throw invalidInput(
        subject,
        `is expired (invalid since ${releaseDateText(validUntil)}: Date ${release.date ?? ''} + ${limit}${release.validUntil === undefined ? '' : `; Valid-Until ${release.validUntil}`}): the mirror serving it is out of date or withholding updates; a larger --${why}-valid-time (base.${why}ValidTime) or --no-check-valid-until accepts it`,
      );
    }
  }
  if (checks.checkDate && date !== undefined) {
    if (date - checks.now > maxFutureMs) {
      throw invalidInput(subject, `is not valid yet (invalid for another ${duration(date - checks.now)}; Date: ${release.date ?? ''}): check this machine's clock, or --no-check-date (base.checkDate: false)`);
    }
  }
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
  /** `false`: accept an InRelease past its `Valid-Until` (snapshot archives). Default true. */
  checkValidUntil?: boolean;
  /** `false`: accept an InRelease dated in the future (a machine whose clock is behind). Default true. */
  checkDate?: boolean;
  /** apt's `Acquire::Max-ValidTime`, in seconds: see `FreshnessChecks`. A source's `valid-until-max` wins. */
  maxValidTime?: number;
  /** apt's `Acquire::Min-ValidTime`, in seconds: see `FreshnessChecks`. A source's `valid-until-min` wins. */
  minValidTime?: number;
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
  const signed = await verifiedRelease(text, source.signedBy ?? options.keyring ?? defaultKeyring, url, options.cacheDir);
  const release = parseRelease(signed, url);
  if (release.suite !== source.suite && release.codename !== source.suite) {
    throw invalidInput(url, `is signed for suite "${release.suite}" (${release.codename}), not "${source.suite}"`);
  }
  // a source's own `check-valid-until=no` / `check-date=no` (sources.list(5)) turns a check off as the option does,
  // and its `valid-until-max` / `valid-until-min` take the place of the options, as apt's do of Acquire::*-ValidTime
  const maxValidTime = source.maxValidTime ?? options.maxValidTime;
  const minValidTime = source.minValidTime ?? options.minValidTime;
  checkFreshness(release, url, {
    checkValidUntil: options.checkValidUntil !== false && source.checkValidUntil !== false,
    checkDate: options.checkDate !== false && source.checkDate !== false,
    ...(maxValidTime === undefined ? {} : { maxValidTime }),
    ...(minValidTime === undefined ? {} : { minValidTime }),
    now: Date.now(),
  });
  return release;
}

/** The `Packages` index of each of a source's components for the architecture that `InRelease` lists (xz, gz or plain). */
export function packagesIndexes(source: AptSource, release: Release, architecture: string): ReleaseFile[] {
  const out: ReleaseFile[] = [];
  for (const component of source.components) {
    const base = `${component}/binary-${architecture}/Packages`;
    const entry = release.files.get(`${base}.xz`) ?? release.files.get(`${base}.gz`) ?? release.files.get(base);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}

/** Every package of a source's components for the architecture, verified against InRelease. */
export async function loadPackages(source: AptSource, release: Release, options: ArchiveOptions): Promise<PackageRecord[]> {
  const out: PackageRecord[] = [];
  for (const entry of packagesIndexes(source, release, options.architecture)) {
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

/** A source with its verified, fresh `InRelease`. */
export interface SuiteRelease {
  source: AptSource;
  release: Release;
}

/** Runs `step` for a source; a failure is an error naming the source. */
async function forSource<T>(source: AptSource, options: ArchiveOptions, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    options.signal?.throwIfAborted();
    if (error instanceof ShipshapeError) throw error;
    throw externalFailure(`${source.uri} ${source.suite}`, error instanceof Error ? error.message : String(error), error);
  }
}

/** Fetches, verifies and checks the `InRelease` of every source, all at once (a build waits for them before anything). */
export async function fetchReleases(sources: readonly AptSource[], options: ArchiveOptions): Promise<SuiteRelease[]> {
  return Promise.all(sources.map(async (source) => ({ source, release: await forSource(source, options, () => fetchRelease(source, options)) })));
}

/** The options that decide whether an InRelease is fresh enough (apt's `Acquire::Check-*` and `*-ValidTime`). */
export type ReleaseCheckName = 'checkValidUntil' | 'checkDate' | 'maxValidTime' | 'minValidTime';

/** The release checks `options` sets, without the unset ones (exactOptionalPropertyTypes). */
export function releaseChecks(options: { [K in ReleaseCheckName]?: ArchiveOptions[K] | undefined }): Pick<ArchiveOptions, ReleaseCheckName> {
  return {
    ...(options.checkValidUntil === undefined ? {} : { checkValidUntil: options.checkValidUntil }),
    ...(options.checkDate === undefined ? {} : { checkDate: options.checkDate }),
    ...(options.maxValidTime === undefined ? {} : { maxValidTime: options.maxValidTime }),
    ...(options.minValidTime === undefined ? {} : { minValidTime: options.minValidTime }),
  };
}

export interface ArchiveState {
  /** Each source with its verified, fresh `InRelease`: pass them as a build's `sources` to build from this very state. */
  releases: SuiteRelease[];
  /**
   * SHA256 of what decides which packages a build resolves to, .deb for .deb: each source's URI, suite and components
   * and the SHA256 of the `Packages` index of each component for the architecture (the index pins every .deb by its
   * SHA256). An `InRelease` signed again with a new `Date` over the same indexes is the same state.
   */
  digest: string;
}

/**
 * The archive state a build without a lock resolves against now: each source's `InRelease` fetched, verified and
 * checked for freshness (the same checks a build makes), and the digest of the indexes it lists.
 */
export async function archiveState(sources: readonly AptSource[], options: ArchiveOptions): Promise<ArchiveState> {
  const releases = await fetchReleases(sources, options);
  const state = releases.map(({ source, release }) => ({
    uri: source.uri,
    suite: source.suite,
    components: source.components,
    indexes: packagesIndexes(source, release, options.architecture).map((f) => `${f.sha256} ${f.path}`),
  }));
  return { releases, digest: createHash('sha256').update(JSON.stringify({ architecture: options.architecture, state })).digest('hex') };
}

/**
 * Loads every configured source; a source that fails is an error naming it (no silent partial universe). `releases`:
 * the sources with their `InRelease` fetched already (what a cache key was made from), so that the packages read
 * are those of that archive state even if the archive moves meanwhile.
 */
export async function loadArchive(sources: readonly AptSource[] | readonly SuiteRelease[], options: ArchiveOptions): Promise<PackageRecord[]> {
  const all: PackageRecord[] = [];
  for (const item of sources) {
    const { source, release } = 'release' in item ? item : { source: item, release: undefined };
    all.push(...(await forSource(source, options, async () => loadPackages(source, release ?? (await fetchRelease(source, options)), options))));
  }
  return all;
}
