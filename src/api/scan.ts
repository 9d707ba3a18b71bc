/**
 * `scan()`: known vulnerabilities of what an SBOM lists, from the local OSV database; `dbImport()` and
 * `dbStatus()` manage that database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ShipshapeError } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import type { Sbom } from '../sbom/index.js';
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
  /** Ecosystems to download; default: `vuln.db.ecosystems`, else those already in the database. */
  ecosystems?: string[];
  /** Export base URL; default `vuln.db.url`. */
  url?: string;
  /** sha256sum-style list (file or URL); default `vuln.db.checksums`. */
  checksums?: string;
  /** Never touch the network (`--offline`, `offline: true`): the update is refused. */
  offline?: boolean;
  config?: Pick<Config, 'vuln' | 'offline'>;
  events?: EventSink;
}

/** `db update`: downloads the OSV exports and replaces the database atomically. */
export async function dbUpdate(cacheDir: string, options: DbUpdateOptions = {}): Promise<UpdateResult> {
  if (options.offline === true || options.config?.offline === true) {
    throw new ShipshapeError('usage', 'db update downloads OSV exports, but offline mode is on (--offline or offline: true); load a downloaded all.zip with `shipshape db import FILE` instead');
  }
  const file = dbPath(cacheDir);
  let ecosystems = options.ecosystems ?? [];
  if (ecosystems.length === 0) ecosystems = options.config?.vuln.db.ecosystems ?? [];
  if (ecosystems.length === 0 && existsSync(file)) ecosystems = dbStatus(cacheDir).ecosystems.map((e) => e.ecosystem);
  const checksums = options.checksums ?? options.config?.vuln.db.checksums;
  return updateDb(file, {
    url: options.url ?? options.config?.vuln.db.url ?? defaultExportUrl,
    ecosystems: [...new Set(ecosystems)],
    ...(checksums === undefined ? {} : { checksums }),
    ...(options.events ? { events: options.events } : {}),
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
  /** With `maxDbAgeHours`: `fail` (the default; exit 4) or `warn` (a warning in the outcome). */
  staleDb?: 'fail' | 'warn';
}

export interface ScanOutcome {
  result: ScanResult;
  /** Matches at or above `failOn`. */
  failing: Match[];
  /** Things the user should know that did not stop the scan (a stale database under `staleDb: warn`). */
  warnings: string[];
}

export function scan(doc: Sbom, cacheDir: string, options: ScanOptions = {}): ScanOutcome {
  const db = openDb(dbPath(cacheDir));
  try {
    const result = scanSbom(doc, db);
    const warnings: string[] = [];
    if (options.maxDbAgeHours !== undefined) {
      const updated = result.db.updatedAt ? Date.parse(result.db.updatedAt) : Number.NaN;
      if (Number.isNaN(updated) || Date.now() - updated > options.maxDbAgeHours * 3600_000) {
        const message = `the vulnerability database is older than ${options.maxDbAgeHours} h (last update: ${result.db.updatedAt ?? 'never'}); run \`shipshape db update\` or \`shipshape db import\``;
        if (options.staleDb === 'warn') warnings.push(message);
        else throw new ShipshapeError('external', message);
      }
    }
    let matches = result.matches;
    if (options.severity) matches = matches.filter((m) => atLeast(m.severity, options.severity ?? 'unknown'));
    if (options.ignoreUnfixed) matches = matches.filter((m) => m.fixedVersion !== undefined);
    const filtered = { ...result, matches };
    const failing = options.failOn ? matches.filter((m) => atLeast(m.severity, options.failOn ?? 'unknown') && m.severity !== 'unknown') : [];
    return { result: filtered, failing, warnings };
  } finally {
    db.close();
  }
}
