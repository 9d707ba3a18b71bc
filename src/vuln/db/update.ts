/**
 * `db update`: the per-ecosystem OSV exports (`<base>/<Ecosystem>/all.zip`, the layout of the public bucket
 * https://osv-vulnerabilities.storage.googleapis.com) downloaded, checked and imported into a copy of the database,
 * which then replaces the old one in a single rename. A failed download or a bad record leaves the old database as
 * it was. Records of the updated ecosystems are replaced as a whole, so advisories withdrawn from the export go too.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { externalFailure, invalidInput, notFound, ShipshapeError, wrap } from '../../internal/errors.js';
import { type EventSink, silent } from '../../internal/events.js';
import { type DbStatus, openDb } from './database.js';
import { importOsv } from './import.js';

export const defaultExportUrl = 'https://osv-vulnerabilities.storage.googleapis.com';

export interface UpdateOptions {
  /** Base URL of the export. */
  url: string;
  /** OSV ecosystem names as the export's folders spell them (`Debian:12`, `PyPI`). */
  ecosystems: string[];
  /** A sha256sum-style list (`<hex>  <Ecosystem>/all.zip`) as a local file or an http(s) URL. */
  checksums?: string | undefined;
  /** Largest export accepted, in bytes. */
  maxBytes?: number;
  /** Retries after a 5xx, a 429 or a dropped connection. */
  retries?: number;
  /** Stops the update (an interrupt): the download is cut, the partial files removed, the database left as it was. */
  signal?: AbortSignal;
  events?: EventSink;
}

export interface UpdatedEcosystem {
  ecosystem: string;
  url: string;
  bytes: number;
  sha256: string;
  /** How the download was checked: `sha256` (from the checksum list), `md5` (the server's x-goog-hash), or none. */
  verified: ('sha256' | 'md5')[];
  records: number;
}

export interface UpdateResult {
  ecosystems: UpdatedEcosystem[];
  /** Records dropped because the new exports no longer hold them. */
  removed: number;
  status: DbStatus;
}

let agent: EnvHttpProxyAgent | undefined;

function dispatcher(): EnvHttpProxyAgent {
  agent ??= new EnvHttpProxyAgent();
  return agent;
}

/** `<base>/<Ecosystem>/all.zip`; ecosystems hold spaces (`Red Hat`) and colons (`Debian:12`), the bucket keeps colons. */
export function exportUrl(base: string, ecosystem: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem).replace(/%3A/gi, ':')}/all.zip`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Streams `url` to `file`, hashing on the way; retries transient failures, never more than `maxBytes`. */
async function download(url: string, file: string, maxBytes: number, retries: number, stop: AbortSignal | undefined): Promise<{ bytes: number; sha256: string; md5: string; googMd5: string | undefined }> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(200 * 2 ** (attempt - 1));
    // an interrupt is not a transient failure: it ends the download instead of being retried
    stop?.throwIfAborted();
    const timeout = AbortSignal.timeout(600_000);
    let response;
    try {
      response = await fetch(url, { dispatcher: dispatcher(), redirect: 'follow', signal: stop === undefined ? timeout : AbortSignal.any([stop, timeout]) });
    } catch (error) {
      stop?.throwIfAborted();
      lastError = externalFailure(url, `unreachable: ${describe(error)}`, error);
      continue;
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      throw notFound(url, `HTTP ${response.status} (is the ecosystem name spelt as OSV spells it?)`);
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      lastError = externalFailure(url, `HTTP ${response.status}`);
      if (response.status >= 500 || response.status === 429) continue;
      throw lastError;
    }
    const declared = Number(response.headers.get('content-length') ?? '-1');
    if (declared > maxBytes) {
      await response.body.cancel();
      throw invalidInput(url, `is ${declared} bytes, over the ${maxBytes}-byte limit`);
    }
    // GCS sends `x-goog-hash: crc32c=…, md5=<base64>` for every object: a free integrity check.
    const googMd5 = /(?:^|,)\s*md5=([A-Za-z0-9+/=]+)/.exec(response.headers.get('x-goog-hash') ?? '')?.[1];
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          done(invalidInput(url, `more than the ${maxBytes}-byte limit`));
          return;
        }
        sha256.update(chunk);
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(response.body as AsyncIterable<Uint8Array>, meter, createWriteStream(file));
    } catch (error) {
      stop?.throwIfAborted();
      if (error instanceof ShipshapeError) throw error;
      lastError = externalFailure(url, `download cut off after ${bytes} bytes: ${describe(error)}`, error);
      continue;
    }
    if (declared >= 0 && bytes !== declared) {
      lastError = externalFailure(url, `got ${bytes} bytes of the ${declared} announced`);
      continue;
    }
    return { bytes, sha256: sha256.digest('hex'), md5: md5.digest('base64'), googMd5 };
  }
  if (lastError instanceof ShipshapeError) throw lastError;
  throw externalFailure(url, `unreachable: ${describe(lastError)}`, lastError);
}

/** Parses a sha256sum-style list: `<64 hex>  <path>` per line (`*` binary marker allowed), keyed by path. */
export function parseChecksums(text: string, where: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line);
    if (!m?.[1] || !m[2]) throw invalidInput(`${where}:${i + 1}`, 'expected "<sha256 hex>  <Ecosystem>/all.zip"');
    sums.set(m[2].trim().replace(/^\.\//, ''), m[1].toLowerCase());
  }
  return sums;
}

async function loadChecksums(source: string, retries: number): Promise<Map<string, string>> {
  if (/^https?:\/\//.test(source)) {
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(200 * 2 ** (attempt - 1));
      try {
        const response = await fetch(source, { dispatcher: dispatcher(), redirect: 'follow', signal: AbortSignal.timeout(60_000) });
        if (response.status === 404) throw notFound(source, 'HTTP 404');
        if (!response.ok) {
          lastError = externalFailure(source, `HTTP ${response.status}`);
          if (response.status >= 500 || response.status === 429) continue;
          throw lastError;
        }
        return parseChecksums(await response.text(), source);
      } catch (error) {
        if (error instanceof ShipshapeError && error.code !== 'external') throw error;
        lastError = error instanceof ShipshapeError ? error : externalFailure(source, `unreachable: ${describe(error)}`, error);
      }
    }
    throw lastError instanceof ShipshapeError ? lastError : externalFailure(source, 'unreachable');
  }
  try {
    return parseChecksums(await readFile(source, 'utf8'), source);
  } catch (error) {
    throw wrap(error, `reading ${source}`);
  }
}

/** Whether a stored ecosystem is replaced by an updated one: `Debian` covers `Debian:12`, `Debian:12` only itself. */
export function covers(updated: readonly string[]): (ecosystem: string) => boolean {
  return (ecosystem) => updated.some((u) => ecosystem === u || (!u.includes(':') && ecosystem.startsWith(`${u}:`)));
}

/**
 * The ecosystems to download, without those another in the list covers: once `Red Hat` (the export of every Red Hat
 * ecosystem) is fetched, the `Red Hat:enterprise_linux:9::baseos` its records brought into the database are in it.
 */
export function withoutCovered(ecosystems: readonly string[]): string[] {
  const unique = [...new Set(ecosystems)];
  return unique.filter((e) => !unique.some((base) => base !== e && covers([base])(e)));
}

/** Downloads the exports of `options.ecosystems` and swaps them into the database at `dbFile` atomically. */
export async function updateDb(dbFile: string, options: UpdateOptions): Promise<UpdateResult> {
  const events = options.events ?? silent;
  const retries = options.retries ?? 2;
  const maxBytes = options.maxBytes ?? 4 * 1024 ** 3;
  if (options.ecosystems.length === 0) throw invalidInput('db update', 'no ecosystems to update: name them with --ecosystem (e.g. Debian:12, npm) or in vuln.db.ecosystems');
  const sums = options.checksums === undefined ? undefined : await loadChecksums(options.checksums, retries);
  await mkdir(dirname(dbFile), { recursive: true });
  const work = await mkdtemp(join(dirname(dbFile), '.update-'));
  const next = join(work, 'osv.sqlite');
  try {
    const downloads: (Omit<UpdatedEcosystem, 'records'> & { file: string })[] = [];
    for (const [i, ecosystem] of withoutCovered(options.ecosystems).entries()) {
      const url = exportUrl(options.url, ecosystem);
      const file = join(work, `${i}.zip`);
      events({ kind: 'log', level: 'debug', message: `downloading ${url}` });
      const got = await download(url, file, maxBytes, retries, options.signal);
      const verified: UpdatedEcosystem['verified'] = [];
      if (got.googMd5 !== undefined) {
        if (got.googMd5 !== got.md5) throw externalFailure(url, `md5 ${got.md5} does not match the server's x-goog-hash md5=${got.googMd5}`);
        verified.push('md5');
      }
      const expected = sums?.get(`${ecosystem}/all.zip`) ?? sums?.get(url);
      if (expected !== undefined) {
        if (expected !== got.sha256) throw invalidInput(url, `sha256 ${got.sha256} does not match ${expected} from ${options.checksums ?? ''}`);
        verified.push('sha256');
      } else if (sums !== undefined) {
        throw invalidInput(options.checksums ?? 'checksums', `lists no sha256 for ${ecosystem}/all.zip`);
      }
      downloads.push({ ecosystem, url, bytes: got.bytes, sha256: got.sha256, verified, file });
    }
    const exists = await stat(dbFile).then(
      () => true,
      () => false,
    );
    if (exists) {
      const old = openDb(dbFile);
      try {
        old.copyTo(next);
      } finally {
        old.close();
      }
    }
    const db = openDb(next);
    const updated: UpdatedEcosystem[] = [];
    let removed: number;
    let status: DbStatus;
    try {
      const prior = db.status().sources.filter((s) => !downloads.some((d) => d.url === s));
      removed = db.removeWhere(covers(options.ecosystems));
      for (const d of downloads) {
        options.signal?.throwIfAborted();
        let read: number;
        try {
          ({ read } = await importOsv(db, d.file, events));
        } catch (error) {
          // The temporary file's name means nothing to the user; the URL does.
          if (error instanceof ShipshapeError) throw new ShipshapeError(error.code, error.message.split(d.file).join(d.url), { cause: error });
          throw error;
        }
        const { file: _file, ...rest } = d;
        updated.push({ ...rest, records: read });
      }
      db.setMeta('sources', [...prior, ...downloads.map((d) => d.url)].join('\n'));
      db.setMeta('updatedAt', new Date().toISOString());
      status = db.status();
    } finally {
      db.close();
    }
    options.signal?.throwIfAborted();
    await rename(next, dbFile);
    return { ecosystems: updated, removed, status };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
