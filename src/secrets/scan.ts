/**
 * Secrets in an image — every layer, including files a later layer deleted (they still ship), the config's ENV,
 * labels and history — and in a build context directory. Values are redacted before they leave this module.
 */
import { readdir, readFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BodyReducer, readLayer } from '../fs/index.js';
import { printableName } from '../internal/display-text.js';
import type { Image, Layer } from '../image/types.js';
import { wrap } from '../internal/errors.js';
import { findSecrets, redact, type TextHit } from './rules.js';

export interface SecretFinding {
  rule: string;
  message: string;
  /** Redacted: never the secret itself. */
  redacted: string;
  /** Where: a layer and path with line, a config field, or a context file. */
  location: { kind: 'layer'; layer: number; digest: string; path: string; line: number; deletedLater: boolean } | { kind: 'config'; field: string } | { kind: 'file'; path: string; line: number };
  fix: string;
}

/** Files bigger than this are not read for secrets (binaries, archives, data). */
export const maxScannedBytes = 1024 * 1024;

/**
 * Bytes of file bodies that may wait, as they were read, for their turn to be scanned before the layer reader stops
 * reading: enough to keep the reader ahead of the scan, a quarter of the reader's default.
 */
const maxWaitingBytes = 4 * maxScannedBytes;

const fixFor: Record<string, string> = {
  'private-key': 'do not COPY keys into the image; use a BuildKit secret mount (RUN --mount=type=secret) or mount it at run time',
  'env-file-secret': 'add .env to .dockerignore and pass values at run time',
  default: 'use a BuildKit secret mount (RUN --mount=type=secret,id=…) instead of baking it into a layer, and rotate the secret',
};

/** Folders that hold installed third-party packages: npm, Python, Ruby gems, Go's module cache, vendored code. */
const packageRoots = new Set(['node_modules', 'site-packages', 'dist-packages', 'gems', 'vendor']);
const testFolders = new Set(['test', 'tests', '__tests__', 'testdata', 'fixtures', '__fixtures__', 'spec', 'example', 'examples']);

/**
 * Whether `path` is in the tests or examples of an installed third-party package (`node_modules/ssh2/test/fixtures/
 * id_rsa`, `site-packages/botocore/…/tests/…`): keys and tokens there are published with the package, the same in every
 * install and no secret of the image's, and they would bury the image's own. Go's module cache (`pkg/mod`) counts as a
 * package root too. A package's other files, and an application's own tests, are scanned.
 */
function inPackageTests(path: string): boolean {
  const parts = path.split('/');
  let inPackage = false;
  for (const [i, part] of parts.slice(0, -1).entries()) {
    if (packageRoots.has(part) || (part === 'mod' && parts[i - 1] === 'pkg')) inPackage = true;
    else if (inPackage && testFolders.has(part)) return true;
  }
  return false;
}

function looksText(buf: Buffer): boolean {
  return !buf.subarray(0, 8192).includes(0);
}

/**
 * A text file longer than this is scanned in windows of about this many bytes, cut at line ends, one after another:
 * only one window's text and secretlint's working state for it are held at a time, not a whole 1 MiB file's. A
 * directory of eight 1 MB JavaScript bundles peaked at 98-100 MB scanned whole, 91-92 MB in windows (and 20% faster).
 */
export const scanWindowBytes = 256 * 1024;
/**
 * Each window after the first starts this far back into the one before, at a line start, so that a secret spanning
 * the cut — a PEM block (a 4096-bit RSA key is 3.3 KB), a line-based assignment — is whole in the next window.
 */
const windowOverlapBytes = 16 * 1024;

const newline = 0x0a;

/** The windows of `body` as byte ranges: each ends after a newline (or at the end), the next starts at a line start. */
function windowsOf(body: Buffer): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    if (body.length - start <= scanWindowBytes) {
      windows.push({ start, end: body.length });
      return windows;
    }
    let end = body.lastIndexOf(newline, start + scanWindowBytes - 1) + 1;
    // a line longer than the window is kept whole: it ends the window where the line ends
    if (end <= start) end = body.indexOf(newline, start + scanWindowBytes) + 1 || body.length;
    windows.push({ start, end });
    if (end === body.length) return windows;
    // a UTF-8 newline byte is never part of a longer character, so a cut after one splits no character
    let next = body.lastIndexOf(newline, end - windowOverlapBytes - 1) + 1;
    if (next <= start) next = body.indexOf(newline, Math.max(start, end - windowOverlapBytes - 1)) + 1;
    start = next <= start ? end : next;
  }
}

function countNewlines(body: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = body.indexOf(newline, start); i !== -1 && i < end; i = body.indexOf(newline, i + 1)) n++;
  return n;
}

/**
 * The secrets of one text file, with lines and offsets in the whole file. A file longer than {@link scanWindowBytes}
 * is scanned window by window; a secret in the overlap of two windows is taken from the window it starts in, once.
 * A secret longer than the overlap that spans a cut (a PEM block over 16 KiB) would be found cut short.
 */
async function findSecretsInFile(path: string, body: Buffer): Promise<TextHit[]> {
  if (body.length <= scanWindowBytes) return findSecrets(path, body.toString('utf8'));
  const windows = windowsOf(body);
  const hits: TextHit[] = [];
  let lineBase = 0;
  let offsetBase = 0;
  for (const [i, w] of windows.entries()) {
    const next = windows[i + 1]?.start ?? w.end;
    // this window's own part: up to where the next starts (its characters, for offsets in the whole text)
    const ownLength = body.toString('utf8', w.start, next).length;
    for (const hit of await findSecrets(path, body.toString('utf8', w.start, w.end))) {
      if (next < w.end && hit.start >= ownLength) continue;
      hits.push({ ...hit, start: offsetBase + hit.start, end: offsetBase + hit.end, line: lineBase + hit.line });
    }
    lineBase += countNewlines(body, w.start, next);
    offsetBase += ownLength;
  }
  return hits;
}

/** What one layer does to the paths of the layers below it. */
interface LayerPaths {
  /** Every path the layer writes. */
  written: Set<string>;
  /** Paths a `.wh.` marker deletes, and directories an opaque marker empties. */
  deleted: Set<string>;
  opaque: Set<string>;
}

/** A text file of a layer, as the scan met it. */
type OnFile = (path: string, body: Buffer) => Promise<void>;

/**
 * Reads layer `index` through the shared layer reader, which refuses hostile tars (names leaving the root, unknown
 * entry types, absurd sizes, corrupt data) with the one line sbom and analyze print. Every small text file goes to
 * `onFile`, deleted or not: a whiteout in a later layer hides nothing here.
 *
 * Files are scanned one after another, in tar order. Scanning is synchronous work on the one JavaScript thread, so
 * starting each file as the tar delivers it gained no time, but kept the text and secretlint's working state of every
 * file in flight (up to the reader's 16 MiB of waiting bodies) alive at once: on a 150 MB node image that grew the
 * heap by about 16 MB. Waiting files are kept as the bytes they were read as, and turned into text at their turn.
 */
async function scanLayer(layer: Layer, index: number, onFile: OnFile): Promise<LayerPaths> {
  let previous: Promise<unknown> = Promise.resolve();
  // once the layer is refused, files still waiting are not scanned: nothing would read what they find
  let refused = false;
  const scanText: BodyReducer = (body, path) => {
    if (!looksText(body)) return undefined;
    const turn = previous.then(async () => {
      if (refused) return undefined;
      try {
        await onFile(path, body);
      } catch (error) {
        throw wrap(wrap(error, `scanning ${printableName(path)}`), `reading layer ${index} (${layer.descriptor.digest}) for secrets`);
      }
      return undefined;
    });
    // a failed file fails the layer where the reader awaits its turn; the files after it still wait for it to settle
    previous = turn.catch(() => undefined);
    return turn;
  };
  const { files } = await readLayer(layer, index, {
    hash: false,
    bodies: (path, size) => (size > 0 && size <= maxScannedBytes && !inPackageTests(path) ? scanText : undefined),
    maxReducedBytes: maxScannedBytes,
    maxPendingBytes: maxWaitingBytes,
  }).catch((error: unknown) => {
    refused = true;
    throw error;
  });
  return { written: new Set(files.entries.map((e) => e.path)), deleted: new Set(files.whiteouts), opaque: new Set(files.opaqueDirs) };
}

/** Whether a later layer overwrote or deleted `path` (or a directory above it). */
function goneLater(path: string, layer: number, changes: LayerPaths[]): boolean {
  const ancestors: string[] = [];
  for (let p = path; p !== '/' && p !== ''; p = p.slice(0, p.lastIndexOf('/')) || '/') ancestors.push(p);
  for (const later of changes.slice(layer + 1)) {
    if (later.written.has(path)) return true;
    if (ancestors.some((a) => later.deleted.has(a))) return true;
    if (ancestors.slice(1).some((a) => later.opaque.has(a))) return true;
  }
  return false;
}

export async function scanImageSecrets(image: Image): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  const changes: LayerPaths[] = [];
  for (const [index, layer] of image.layers.entries()) {
    // files are scanned one at a time in tar order (scanLayer), so findings follow it
    changes[index] = await scanLayer(layer, index, async (path, body) => {
      for (const hit of await findSecretsInFile(path, body)) {
        findings.push({
          rule: hit.rule,
          message: hit.message,
          redacted: redact(hit.value),
          location: { kind: 'layer', layer: index, digest: layer.descriptor.digest, path, line: hit.line, deletedLater: false },
          fix: fixFor[hit.rule] ?? fixFor.default ?? '',
        });
      }
    });
  }
  // A file a later layer deleted or overwrote still ships in the earlier layer: say so.
  for (const f of findings) {
    if (f.location.kind === 'layer') f.location.deletedLater = goneLater(f.location.path, f.location.layer, changes);
  }
  const cfg = image.config.config;
  const configTexts: [string, string][] = [
    ...(cfg?.Env ?? []).map((e, i): [string, string] => [`config.Env[${i}]`, e]),
    ...Object.entries(cfg?.Labels ?? {}).map(([k, v]): [string, string] => [`config.Labels.${k}`, `${k}=${v}`]),
    ...(image.config.history ?? []).map((h, i): [string, string] => [`history[${i}].created_by`, h.created_by ?? '']),
  ];
  for (const [field, text] of configTexts) {
    for (const hit of await findSecrets(field, text, 'config')) {
      findings.push({ rule: hit.rule, message: hit.message, redacted: redact(hit.value), location: { kind: 'config', field }, fix: fixFor.default ?? '' });
    }
  }
  return findings;
}

/** Secrets in a directory (a build context): every small text file, never following symlinks. */
export async function scanDirectorySecrets(root: string, ignore: (relative: string) => boolean = () => false): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const relative = rel ? `${rel}/${name}` : name;
      if (ignore(relative) || name === '.git' || name === 'node_modules') continue;
      const st = await lstat(path);
      if (st.isDirectory()) await walk(path, relative);
      else if (st.isFile() && st.size > 0 && st.size <= maxScannedBytes) {
        const buf = await readFile(path);
        if (!looksText(buf)) continue;
        for (const hit of await findSecretsInFile(relative, buf)) {
          findings.push({ rule: hit.rule, message: hit.message, redacted: redact(hit.value), location: { kind: 'file', path: relative, line: hit.line }, fix: fixFor[hit.rule] ?? fixFor.default ?? '' });
        }
      }
    }
  };
  await walk(root, '');
  return findings;
}
