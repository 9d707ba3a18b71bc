import { open, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDb } from './database.js';
import { importOsv } from './import.js';

interface StoredEntry {
  name: string;
  /** The entry's bytes, or the size of a hole of zeros that takes no disk space. */
  data: Buffer | number;
}

/**
 * A zip of stored entries written with `pwrite`, so an entry given as a size is a hole in a sparse file: a zip of
 * more than 1 GiB (the size import reads from the file instead of from memory) costs a few bytes of disk.
 */
async function sparseZip(path: string, entries: StoredEntry[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    let at = 0;
    const central: Buffer[] = [];
    for (const entry of entries) {
      const name = Buffer.from(entry.name);
      const size = typeof entry.data === 'number' ? entry.data : entry.data.length;
      const crc = typeof entry.data === 'number' ? 0 : crc32(entry.data);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(size, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(20, 6);
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(size, 20);
      header.writeUInt32LE(size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE(at, 42);
      central.push(header, name);
      await file.write(Buffer.concat([local, name]), 0, local.length + name.length, at);
      at += local.length + name.length;
      if (typeof entry.data !== 'number') await file.write(entry.data, 0, entry.data.length, at);
      at += size;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(at, 16);
    const tail = Buffer.concat([directory, end]);
    await file.write(tail, 0, tail.length, at);
  } finally {
    await file.close();
  }
}

const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;

describe.skipIf(process.platform !== 'linux')('db import of a zip read from its file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const setUp = async (entries: StoredEntry[]): Promise<{ zip: string; dbPath: string }> => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-import-'));
    dirs.push(dir);
    const zip = join(dir, 'all.zip');
    // 1 GiB and a byte of padding first: past the bound up to which a zip is read into memory
    await sparseZip(zip, [{ name: 'padding.bin', data: 1024 * 1024 * 1024 + 1 }, ...entries]);
    return { zip, dbPath: join(dir, 'osv.sqlite') };
  };

  it('closes the file when a record that is not OSV stops the import, reading no further', async () => {
    // the entry after the bad record would stop a read that went on past it, with the file still open
    const { zip, dbPath } = await setUp([{ name: 'bad.json', data: Buffer.from('{"id": 1}') }, { name: 'huge.json', data: 16 * 1024 * 1024 + 1 }]);
    const db = openDb(dbPath);
    try {
      const before = await openFds();
      await expect(importOsv(db, zip)).rejects.toThrow(`${zip}!bad.json: not an OSV record`);
      await vi.waitFor(async () => { expect(await openFds()).toBe(before); });
    } finally {
      db.close();
    }
  });

  it('closes the file when an entry over the record bound stops the import', async () => {
    const { zip, dbPath } = await setUp([{ name: 'huge.json', data: 16 * 1024 * 1024 + 1 }]);
    const db = openDb(dbPath);
    try {
      const before = await openFds();
      await expect(importOsv(db, zip)).rejects.toThrow(`${zip}!huge.json: over`);
      await vi.waitFor(async () => { expect(await openFds()).toBe(before); });
    } finally {
      db.close();
    }
  });
});
