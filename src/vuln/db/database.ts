/**
 * The local vulnerability database: OSV records in an embedded SQLite file (better-sqlite3; no server), indexed by
 * ecosystem and package name. Import is idempotent: a record replaces an older one with the same id.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { invalidInput } from '../../internal/errors.js';
import { type Osv, osvSchema } from '../osv.js';
import { advisoryName } from '../package-name.js';

export interface VulnDb {
  readonly path: string;
  /**
   * Records affecting `name` in `ecosystem` (exact ecosystem, e.g. `Debian:12`, or base name `npm`); the index keys
   * names as `advisoryName` spells them, so `name` is looked up in that spelling.
   */
  lookup(ecosystem: string, name: string): Osv[];
  /** Ecosystems in the database whose name starts with `prefix`. */
  ecosystemsStartingWith(prefix: string): string[];
  /** Adds or replaces records; returns how many were new or newer. */
  put(records: Osv[]): number;
  /** Runs `work` in one transaction: everything it writes is kept when it resolves, nothing when it throws. */
  atomically<T>(work: () => Promise<T>): Promise<T>;
  status(): DbStatus;
  setMeta(key: string, value: string): void;
  getMeta(key: string): string | undefined;
  /** Deletes the records every affected entry of which is in an ecosystem `covers` accepts; returns how many. */
  removeWhere(covers: (ecosystem: string) => boolean): number;
  /** Writes a consistent copy of the database to `path` (SQLite's VACUUM INTO). */
  copyTo(path: string): void;
  close(): void;
}

export interface DbStatus {
  records: number;
  ecosystems: { ecosystem: string; records: number }[];
  /** ISO time of the last import or update, if any. */
  updatedAt: string | undefined;
  sources: string[];
  /** Ecosystems scans have looked up (recorded by `scan`), whether or not the database holds records for them. */
  ecosystemsInUse: string[];
}

const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS advisories (id TEXT PRIMARY KEY, modified TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (ecosystem, name, id));
CREATE INDEX IF NOT EXISTS affected_by_id ON affected (id);
`;

/** What `meta.nameIndex` holds once the index spells every name as `advisoryName` does. */
const nameIndexVersion = 'advisory-name-1';

/**
 * A database indexed before names were normalised keys PyPI records by the record's own spelling (`Pillow`), which a
 * lookup by the normalised name (`pillow`) never finds: those rows are re-keyed once, in one transaction.
 */
function respellIndexedNames(db: Database.Database): void {
  const done = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'nameIndex'").get();
  if (done?.value === nameIndexVersion) return;
  const rows = db.prepare<[], { ecosystem: string; name: string }>("SELECT DISTINCT ecosystem, name FROM affected WHERE ecosystem = 'PyPI'").all();
  const copy = db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, id) SELECT ecosystem, ?, id FROM affected WHERE ecosystem = ? AND name = ?');
  const drop = db.prepare('DELETE FROM affected WHERE ecosystem = ? AND name = ?');
  db.transaction(() => {
    for (const { ecosystem, name } of rows) {
      const spelt = advisoryName(ecosystem, name);
      if (spelt === name) continue;
      copy.run(spelt, ecosystem, name);
      drop.run(ecosystem, name);
    }
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('nameIndex', ?)").run(nameIndexVersion);
  })();
}

export function openDb(path: string, options: { readonly?: boolean } = {}): VulnDb {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw invalidInput(path, `cannot open the vulnerability database: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.exec(schemaSql);
    respellIndexedNames(db);
  }
  const select = db.prepare<[string, string], { body: string }>('SELECT a.body FROM affected f JOIN advisories a ON a.id = f.id WHERE f.ecosystem = ? AND f.name = ? ORDER BY a.id');
  const existing = options.readonly ? undefined : db.prepare<[string], { modified: string }>('SELECT modified FROM advisories WHERE id = ?');
  const upsert = options.readonly ? undefined : db.prepare('INSERT OR REPLACE INTO advisories (id, modified, body) VALUES (?, ?, ?)');
  const clearAffected = options.readonly ? undefined : db.prepare('DELETE FROM affected WHERE id = ?');
  const addAffected = options.readonly ? undefined : db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, id) VALUES (?, ?, ?)');
  const metaSet = options.readonly ? undefined : db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');

  const put = db.transaction((records: Osv[]): number => {
    let changed = 0;
    for (const r of records) {
      const old = existing?.get(r.id);
      if (old && old.modified >= r.modified) continue;
      upsert?.run(r.id, r.modified, JSON.stringify(r));
      clearAffected?.run(r.id);
      for (const a of r.affected ?? []) {
        if (a.package) addAffected?.run(a.package.ecosystem, advisoryName(a.package.ecosystem, a.package.name), r.id);
      }
      changed++;
    }
    return changed;
  });

  return {
    path,
    lookup(ecosystem, name) {
      return select.all(ecosystem, name).map((row) => osvSchema.parse(JSON.parse(row.body)));
    },
    ecosystemsStartingWith(prefix) {
      const rows = db.prepare('SELECT DISTINCT ecosystem FROM affected WHERE substr(ecosystem, 1, ?) = ? ORDER BY ecosystem').all(prefix.length, prefix) as { ecosystem: string }[];
      return rows.map((r) => r.ecosystem);
    },
    put(records) {
      if (options.readonly) throw new Error('database opened read-only');
      return put(records);
    },
    async atomically(work) {
      if (options.readonly) throw new Error('database opened read-only');
      // an explicit transaction around async work: put()'s own transactions nest in it as savepoints
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    status() {
      const count = (db.prepare('SELECT count(*) AS n FROM advisories').get() as { n: number }).n;
      const ecosystems = db.prepare('SELECT ecosystem, count(DISTINCT id) AS records FROM affected GROUP BY ecosystem ORDER BY ecosystem').all() as { ecosystem: string; records: number }[];
      const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      return {
        records: count,
        ecosystems,
        updatedAt: meta.get('updatedAt'),
        sources: meta.get('sources')?.split('\n').filter(Boolean) ?? [],
        ecosystemsInUse: meta.get('ecosystemsInUse')?.split('\n').filter(Boolean) ?? [],
      };
    },
    setMeta(key, value) {
      metaSet?.run(key, value);
    },
    getMeta(key) {
      return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    },
    removeWhere(covers) {
      if (options.readonly) throw new Error('database opened read-only');
      const rows = db.prepare('SELECT id, group_concat(ecosystem, char(10)) AS ecosystems FROM affected GROUP BY id').all() as { id: string; ecosystems: string }[];
      const doomed = rows.filter((r) => r.ecosystems.split('\n').every(covers)).map((r) => r.id);
      const drop = db.prepare('DELETE FROM advisories WHERE id = ?');
      db.transaction(() => {
        for (const id of doomed) {
          drop.run(id);
          clearAffected?.run(id);
        }
      })();
      return doomed.length;
    },
    copyTo(target) {
      db.prepare('VACUUM INTO ?').run(target);
    },
    close() {
      db.close();
    },
  };
}
