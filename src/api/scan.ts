/**
 * `scan()`: known vulnerabilities of what an SBOM lists, from the local OSV database; `dbImport()` and
 * `dbStatus()` manage that database.
 */
import { join } from 'node:path';
import { ShipshapeError } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import type { Sbom } from '../sbom/index.js';
import { atLeast, importOsv, type Match, openDb, scanSbom, type ScanResult, type Severity, type DbStatus } from '../vuln/index.js';

export type { Match, ScanResult, Severity, DbStatus } from '../vuln/index.js';

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
}

export interface ScanOutcome {
  result: ScanResult;
  /** Matches at or above `failOn`. */
  failing: Match[];
}

export function scan(doc: Sbom, cacheDir: string, options: ScanOptions = {}): ScanOutcome {
  const db = openDb(dbPath(cacheDir));
  try {
    const result = scanSbom(doc, db);
    if (options.maxDbAgeHours !== undefined) {
      const updated = result.db.updatedAt ? Date.parse(result.db.updatedAt) : Number.NaN;
      if (Number.isNaN(updated) || Date.now() - updated > options.maxDbAgeHours * 3600_000) {
        throw new ShipshapeError('external', `the vulnerability database is older than ${options.maxDbAgeHours} h (last update: ${result.db.updatedAt ?? 'never'}); run \`shipshape db import\``);
      }
    }
    let matches = result.matches;
    if (options.severity) matches = matches.filter((m) => atLeast(m.severity, options.severity ?? 'unknown'));
    if (options.ignoreUnfixed) matches = matches.filter((m) => m.fixedVersion !== undefined);
    const filtered = { ...result, matches };
    const failing = options.failOn ? matches.filter((m) => atLeast(m.severity, options.failOn ?? 'unknown') && m.severity !== 'unknown') : [];
    return { result: filtered, failing };
  } finally {
    db.close();
  }
}
