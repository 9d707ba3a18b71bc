import { createHash, randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { type TarHeader, TarScanner } from './tar-scanner.js';

interface Seen {
  header: TarHeader;
  sha256: string;
  bytes: number;
}

/** Feeds `tar` to a scanner in pieces of the given sizes (cycled) and collects every entry with its content hash. */
function scan(tar: Buffer, pieces: number[]): Seen[] {
  const seen: Seen[] = [];
  const scanner = new TarScanner((header) => {
    const hash = createHash('sha256');
    let bytes = 0;
    return {
      update(data) {
        hash.update(data);
        bytes += data.length;
      },
      end() {
        seen.push({ header, sha256: hash.digest('hex'), bytes });
      },
    };
  });
  let pos = 0;
  for (let i = 0; pos < tar.length; i++) {
    const n = pieces[i % pieces.length] ?? 1;
    scanner.write(tar.subarray(pos, pos + n));
    pos += n;
  }
  scanner.end();
  return seen;
}

async function makeTar(entries: { name: string; content?: Buffer; type?: 'file' | 'directory' | 'symlink' | 'link'; linkname?: string; pax?: Record<string, string> }[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    p.entry({ name: e.name, type: e.type ?? 'file', mode: 0o640, uid: 1000, gid: 1001, size: e.content?.length ?? 0, ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.pax ? { pax: e.pax } : {}) }, e.content ?? Buffer.alloc(0));
  }
  p.finalize();
  return buffer(p);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('TarScanner', () => {
  const big = randomBytes(70_000);
  const long = `deep/${'d'.repeat(120)}/${'n'.repeat(150)}.txt`;
  const entries = [
    { name: 'dir', type: 'directory' as const },
    { name: 'dir/empty' },
    { name: 'dir/big.bin', content: big },
    { name: long, content: Buffer.from('long name') },
    { name: 'dir/link', type: 'symlink' as const, linkname: `../${'t'.repeat(130)}` },
    { name: 'dir/hard', type: 'link' as const, linkname: 'dir/big.bin' },
    { name: 'small.txt', content: Buffer.from('x'.repeat(511)) },
  ];

  it.each([[[1 << 20]], [[1]], [[511, 513, 7]], [[512]], [[100_000, 3]]])('reads names, links, metadata and content whatever the chunking (%j)', async (pieces) => {
    const seen = scan(await makeTar(entries), pieces);
    expect(seen.map((s) => s.header.name)).toEqual(['dir', 'dir/empty', 'dir/big.bin', long, 'dir/link', 'dir/hard', 'small.txt']);
    expect(seen.map((s) => s.header.flag)).toEqual(['5', '0', '0', '0', '2', '1', '0']);
    expect(seen[2]).toMatchObject({ sha256: sha(big), bytes: big.length, header: { size: big.length, mode: 0o640, uid: 1000, gid: 1001 } });
    expect(seen[3]?.sha256).toBe(sha(Buffer.from('long name')));
    expect(seen[4]?.header.linkname).toBe(`../${'t'.repeat(130)}`);
    expect(seen[5]?.header.linkname).toBe('dir/big.bin');
    expect(seen[6]?.bytes).toBe(511);
  });

  it('applies pax path records', async () => {
    const seen = scan(await makeTar([{ name: 'short', content: Buffer.from('p'), pax: { path: 'from/pax/ünïcode' } }]), [300]);
    expect(seen.map((s) => s.header.name)).toEqual(['from/pax/ünïcode']);
  });

  it('refuses a corrupt header, an unknown format and a cut-off archive', async () => {
    const tar = await makeTar(entries);
    const corrupt = Buffer.from(tar);
    corrupt[0] = (corrupt[0] ?? 0) ^ 0xff;
    expect(() => scan(corrupt, [4096])).toThrow(/Invalid tar header/);
    expect(() => scan(tar.subarray(0, 2000), [4096])).toThrow(/Unexpected end of data/);
    const unknown = Buffer.alloc(512);
    unknown.write('name', 0);
    unknown.write('0000644\0', 100);
    unknown.write('00000000000\0', 124);
    unknown.write('0', 156);
    let sum = 8 * 0x20;
    for (const b of unknown) sum += b;
    unknown.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    expect(() => scan(unknown, [512])).toThrow(/unknown format/);
  });

  it('rethrows what the entry callback throws', async () => {
    const scanner = new TarScanner(() => {
      throw new Error('refused by the reader');
    });
    const tar = await makeTar([{ name: 'a', content: Buffer.from('a') }]);
    expect(() => {
      scanner.write(tar);
    }).toThrow(/refused by the reader/);
  });
});
