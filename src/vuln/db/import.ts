/**
 * `db import`: OSV records from a JSON file, a folder of them (recursively), or an OSV export zip (`all.zip`),
 * each validated before it is stored. A record that fails validation is reported by name and import stops with
 * nothing of it stored: half-imported data would hide vulnerabilities.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { z } from 'zod';
import { invalidInput, wrap } from '../../internal/errors.js';
import { parseJson } from '../../internal/parse-json.js';
import type { EventSink } from '../../internal/events.js';
import { silent } from '../../internal/events.js';
import { type Osv, osvSchema } from '../osv.js';
import type { VulnDb } from './database.js';

const maxRecordBytes = 16 * 1024 * 1024;
const batchSize = 500;
const maxZipInMemory = 1024 * 1024 * 1024;

async function* fromZip(path: string): AsyncGenerator<[string, string]> {
  // An export holds tens of thousands of small entries; read from a file, yauzl makes several thread-pool reads per
  // entry, which took 19 s for 20,000 records here. From memory the same takes ~5 s, so zips up to a bound are read whole.
  const size = (await stat(path)).size;
  const buffer = size <= maxZipInMemory ? await readFile(path) : undefined;
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, z: yauzl.ZipFile): void => {
      if (error) reject(invalidInput(path, `not a readable zip: ${error.message}`));
      else resolve(z);
    };
    if (buffer) yauzl.fromBuffer(buffer, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, done);
    else yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: true, validateEntrySizes: true }, done);
  });
  // Entries are read one at a time as the import asks for them, and the zip is closed however the import ends: a bad
  // record stops it with the rest of the export unread, and a zip read from its file would otherwise keep the file
  // open (yauzl's autoClose only closes after the last entry).
  let pending: { resolve: (item: [string, string] | null) => void; reject: (error: Error) => void } | undefined;
  const settle = (item: [string, string] | Error | null): void => {
    const waiting = pending;
    pending = undefined;
    if (item instanceof Error) waiting?.reject(item);
    else waiting?.resolve(item);
  };
  zip.on('entry', (entry: yauzl.Entry) => {
    if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) {
      zip.readEntry();
      return;
    }
    if (entry.uncompressedSize > maxRecordBytes) {
      settle(invalidInput(`${path}!${entry.fileName}`, `over ${maxRecordBytes} bytes`));
      return;
    }
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        settle(invalidInput(`${path}!${entry.fileName}`, error.message));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => { settle(invalidInput(`${path}!${entry.fileName}`, e.message)); });
      stream.on('end', () => { settle([`${path}!${entry.fileName}`, Buffer.concat(chunks).toString('utf8')]); });
    });
  });
  zip.on('end', () => { settle(null); });
  zip.on('error', (e: Error) => { settle(invalidInput(path, e.message)); });
  try {
    for (;;) {
      const item = await new Promise<[string, string] | null>((resolve, reject) => {
        pending = { resolve, reject };
        zip.readEntry();
      });
      if (item === null) return;
      yield item;
    }
  } finally {
    zip.close();
  }
}

async function* fromDirectory(dir: string, seen = new Set<string>()): AsyncGenerator<[string, string]> {
  // folders are followed through symlinks, but each once: a link to a folder above would be followed for ever
  const real = await realpath(dir).catch((error: unknown) => {
    throw wrap(error, `reading ${dir}`);
  });
  if (seen.has(real)) return;
  seen.add(real);
  for (const name of (await readdir(dir)).sort()) {
    const p = join(dir, name);
    const s = await stat(p).catch((error: unknown) => {
      throw wrap(error, `reading ${p}`);
    });
    if (s.isDirectory()) yield* fromDirectory(p, seen);
    else if (name.endsWith('.json')) yield* fromFile(p);
    else if (name.endsWith('.zip')) yield* fromZip(p);
  }
}

async function* fromFile(path: string): AsyncGenerator<[string, string]> {
  const s = await stat(path);
  if (s.size > maxRecordBytes) throw invalidInput(path, `over ${maxRecordBytes} bytes`);
  const text = await readFile(path, 'utf8');
  // A file may hold one record or an array of them.
  if (text.trimStart().startsWith('[')) {
    const list = parseJson(text, z.array(z.unknown()), path, 'a list of OSV records');
    for (const [i, item] of list.entries()) yield [`${path}[${i}]`, JSON.stringify(item)];
    return;
  }
  yield [path, text];
}

export async function importOsv(db: VulnDb, source: string, events: EventSink = silent): Promise<{ read: number; changed: number }> {
  let s;
  try {
    s = await stat(source);
  } catch (error) {
    throw wrap(error, `reading ${source}`);
  }
  const iter = s.isDirectory() ? fromDirectory(source) : source.endsWith('.zip') ? fromZip(source) : fromFile(source);
  // one transaction for the whole import: a bad record met after the first batches leaves the database as it was
  return db.atomically(async () => {
    let batch: Osv[] = [];
    let read = 0;
    let changed = 0;
    for await (const [where, text] of iter) {
      batch.push(parseJson(text, osvSchema, where, 'an OSV record'));
      read++;
      if (batch.length >= batchSize) {
        changed += db.put(batch);
        batch = [];
        events({ kind: 'log', level: 'debug', message: `imported ${read} records` });
      }
    }
    changed += db.put(batch);
    const prior = db.status().sources;
    db.setMeta('updatedAt', new Date().toISOString());
    db.setMeta('sources', [...new Set([...prior, source])].join('\n'));
    return { read, changed };
  });
}
