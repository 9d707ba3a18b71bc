/**
 * `scan()`: known vulnerabilities of what an SBOM lists, from the local OSV database; `dbImport()` and
 * `dbStatus()` manage that database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { z } from 'zod';
import { ShipshapeError } from '../internal/errors.js';
import { parseJson } from '../internal/parse-json.js';
import { readBoundedText } from '../internal/files.js';
import type { EventSink } from '../internal/events.js';
import { catalogImageFiles, type Sbom } from '../sbom/index.js';
import { sbom, type SbomOptions, type SbomSourceInput } from './sbom.js';
import {
  applySuppressions,
  type Baseline,
  baselineOf,
  type CodePresence,
  type IgnoreFile,
  type OpenVex,
  parseBaseline,
  parseIgnoreFile,
  parseOpenVex,
  presenceOf,
} from '../vuln/index.js';
import { atLeast, defaultExportUrl, importOsv, updateDb, type UpdateResult, type Match, openDb, scanSbom, type ScanResult, type Severity, type DbStatus } from '../vuln/index.js';

export type { Match, ScanResult, Severity, DbStatus, UpdateResult } from '../vuln/index.js';

export function dbPath(cacheDir: string): string {
  return join(cacheDir, 'vuln', 'osv.sqlite');
}

export async function dbImport(cacheDir: string, source: string, events?: EventSink): Promise<{ read: number; changed: number; status: DbStatus }> {
  const db = openDb(dbPath(cacheDir));
  try {
    const r = await importOsv(db, source, events);
    return { ...r, status: db.status() };
  } finally {
    db.close();
  }
}

export interface DbUpdateOptions {
  /** Ecosystems to download; default: `vuln.db.ecosystems`, else those scans needed and those already in the database. */
  ecosystems?: string[];
  /** Export base URL; default `vuln.db.url`. */
  url?: string;
  /** sha256sum-style list (file or URL); default `vuln.db.checksums`. */
  checksums?: string;
  /** Never touch the network (`--offline`, `offline: true`): the update is refused. */
  offline?: boolean;
  config?: Pick<Config, 'vuln' | 'offline'>;
  events?: EventSink;
  /** Stops the update (an interrupt): its partial downloads are removed and the database stays as it was. */
  signal?: AbortSignal;
}

/** `db update`: downloads the OSV exports and replaces the database atomically. */
export async function dbUpdate(cacheDir: string, options: DbUpdateOptions = {}): Promise<UpdateResult> {
  if (options.offline === true || options.config?.offline === true) {
    throw new ShipshapeError('usage', 'db update downloads OSV exports, but offline mode is on (--offline or offline: true); load a downloaded all.zip with `shipshape db import FILE` instead');
  }
  const file = dbPath(cacheDir);
  let ecosystems = options.ecosystems ?? [];
  if (ecosystems.length === 0) ecosystems = options.config?.vuln.db.ecosystems ?? [];
  if (ecosystems.length === 0 && existsSync(file)) {
    const status = dbStatus(cacheDir);
    ecosystems = [...new Set([...status.ecosystemsInUse, ...status.ecosystems.map((e) => e.ecosystem)])].sort();
  }
  const checksums = options.checksums ?? options.config?.vuln.db.checksums;
  return updateDb(file, {
    url: options.url ?? options.config?.vuln.db.url ?? defaultExportUrl,
    ecosystems: [...new Set(ecosystems)],
    ...(checksums === undefined ? {} : { checksums }),
    ...(options.events ? { events: options.events } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export function dbStatus(cacheDir: string): DbStatus {
  const db = openDb(dbPath(cacheDir));
  try {
    return db.status();
  } finally {
    db.close();
  }
}

export interface ScanOptions {
  /** Only matches at or above this severity. */
  severity?: Severity;
  /** Drop matches with no fixed version. */
  ignoreUnfixed?: boolean;
  /** Fail (policy error, exit 1) when a match reaches this severity. */
  failOn?: Severity;
  /** Fail with code 'external' when the database is older than this many hours, or empty. */
  maxDbAgeHours?: number;
  /** With `maxDbAgeHours`, or a gate on an empty database: `fail` (the default; exit 4) or `warn` (a warning in the outcome). */
  staleDb?: 'fail' | 'warn';
  /**
   * The caller gates on the outcome (`--exit-code` without `--fail-on`); `failOn` gates too. A gate on an empty
   * database would pass having checked nothing: it is handled as a stale database (`staleDb`).
   */
  gate?: boolean;
  /** Suppressions: an ignore file, a baseline of accepted findings, OpenVEX documents. */
  ignore?: IgnoreFile;
  baseline?: Baseline;
  vex?: OpenVex[];
  /** The final image's files: marks packages whose code a later layer deleted. */
  presence?: CodePresence;
}

/** What `scan` reads besides the database, from files. */
export interface ScanPolicyFiles {
  ignoreFile?: string | undefined;
  baseline?: string | undefined;
  vex?: string[] | undefined;
}

/** The largest SBOM file `scan` reads (a whole image's packages and their file lists fit in a fraction of it). */
const maxSbomBytes = 512 * 1024 * 1024;

/** The largest ignore file, baseline or VEX document (a baseline of every finding of a large image is a few MiB). */
const maxPolicyBytes = 64 * 1024 * 1024;

/** What `scan` needs of a package in an SBOM file; the other fields pass through as written. */
const sbomFileSchema = z.looseObject({
  source: z.looseObject({}),
  packages: z.array(
    z.looseObject({
      id: z.string(),
      type: z.enum(['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven', 'cargo', 'generic']),
      name: z.string(),
      version: z.string(),
      purl: z.string(),
      locations: z.array(z.string()).default([]),
      files: z.array(z.string()).default([]),
      layer: z.number().int().nonnegative().optional(),
      metadata: z.record(z.string(), z.unknown()).default({}),
    }),
  ),
  relationships: z.array(z.unknown()).default([]),
  unknowns: z.array(z.unknown()).default([]),
  unownedFiles: z.array(z.string()).default([]),
});

/** Reads an SBOM `shipshape sbom --format json` wrote, checking what scanning reads; bad input names the file and field. */
export async function readSbomFile(path: string): Promise<Sbom> {
  const parsed = parseJson(await readBoundedText(path, maxSbomBytes, 'an SBOM file'), sbomFileSchema, path, 'an SBOM written by `shipshape sbom --format json`');
  return parsed as unknown as Sbom;
}

/** Reads and validates an ignore file, a baseline and OpenVEX documents. */
export async function loadScanPolicy(files: ScanPolicyFiles): Promise<Pick<ScanOptions, 'ignore' | 'baseline' | 'vex'>> {
  const out: Pick<ScanOptions, 'ignore' | 'baseline' | 'vex'> = {};
  if (files.ignoreFile !== undefined) out.ignore = parseIgnoreFile(await readBoundedText(files.ignoreFile, maxPolicyBytes, 'an ignore file'), files.ignoreFile);
  if (files.baseline !== undefined) out.baseline = parseBaseline(await readBoundedText(files.baseline, maxPolicyBytes, 'a baseline'), files.baseline);
  if (files.vex !== undefined && files.vex.length > 0) out.vex = await Promise.all(files.vex.map(async (f) => parseOpenVex(await readBoundedText(f, maxPolicyBytes, 'a VEX document'), f)));
  return out;
}

/** The SBOM of an image or directory, and for an image, which package files the final filesystem still has. */
export async function scanInput(source: SbomSourceInput, options: SbomOptions): Promise<{ sbom: Sbom; presence?: CodePresence }> {
  if ('directory' in source) return { sbom: await sbom(source, options) };
  const { sbom: doc, files } = await catalogImageFiles(source.image, options.name, {
    ...(options.catalogers ? { catalogers: options.catalogers } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.tool ? { tool: options.tool } : {}),
  });
  return { sbom: doc, presence: presenceOf(files) };
}

export interface ScanOutcome {
  result: ScanResult;
  /** Matches at or above `failOn`. */
  failing: Match[];
  /**
   * Things the user should know that did not stop the scan: OS packages without an OSV ecosystem, a Debian testing
   * system or derivative matched against a Debian release (`result.warnings`), a stale database under `staleDb: warn`.
   */
  warnings: string[];
  /** The findings a `--write-baseline` would accept: everything reported or already in the baseline. */
  baseline: Baseline;
}

export function scan(doc: Sbom, cacheDir: string, options: ScanOptions = {}): ScanOutcome {
  const db = openDb(dbPath(cacheDir));
  try {
    const result = scanSbom(doc, db, options.presence);
    // Remembered so that a bare `db update` fetches what scans need, even before the first import.
    const seen = new Set([...(db.getMeta('ecosystemsInUse')?.split('\n').filter(Boolean) ?? []), ...result.ecosystems]);
    db.setMeta('ecosystemsInUse', [...seen].sort().join('\n'));
    const warnings: string[] = [...result.warnings];
    if (options.maxDbAgeHours !== undefined) {
      const updated = result.db.updatedAt ? Date.parse(result.db.updatedAt) : Number.NaN;
      if (Number.isNaN(updated) || Date.now() - updated > options.maxDbAgeHours * 3600_000) {
        const message = `the vulnerability database is older than ${options.maxDbAgeHours} h (last update: ${result.db.updatedAt ?? 'never'}); run \`shipshape db update\` or \`shipshape db import\``;
        if (options.staleDb === 'warn') warnings.push(message);
        else throw new ShipshapeError('external', message);
      }
    }
    if (result.db.records === 0 && (options.failOn !== undefined || options.gate === true)) {
      const message = 'no vulnerability database imported, so the gate would pass having checked nothing; run `shipshape db update` or `shipshape db import FILE|DIR` (or --stale-db warn to let it pass)';
      if (options.staleDb === 'warn') warnings.push(message);
      else throw new ShipshapeError('external', message);
    }
    let matches = result.matches;
    if (options.severity) matches = matches.filter((m) => atLeast(m.severity, options.severity ?? 'unknown'));
    if (options.ignoreUnfixed) matches = matches.filter((m) => m.fixedVersion !== undefined);
    const s = applySuppressions(matches, { ignore: options.ignore, baseline: options.baseline, vex: options.vex });
    const filtered = { ...result, matches: s.matches, suppressed: s.suppressed, expiredIgnores: s.expired };
    const failing = options.failOn ? s.matches.filter((m) => atLeast(m.severity, options.failOn ?? 'unknown') && m.severity !== 'unknown') : [];
    const baseline = baselineOf([...s.matches, ...s.suppressed.filter((x) => x.suppression.by === 'baseline').map((x) => x.match)]);
    return { result: filtered, failing, warnings, baseline };
  } finally {
    db.close();
  }
}
