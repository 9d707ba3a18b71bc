/**
 * License text → SPDX id, for ecosystems whose packages carry a LICENSE file instead of a declared license (Go
 * modules, a Rust crate with only `license-file`). The method is licensee's: normalise the text (case, punctuation,
 * copyright lines, the "how to apply" appendix), take the set of its words, and compare it with the word set of each
 * SPDX reference text by the Sørensen–Dice coefficient, 2·|A∩B| / (|A|+|B|). The best match counts only at or above a
 * high threshold; anything less — a custom license, a file holding two licenses, a README — is no match, which the
 * SBOM prints as NOASSERTION rather than a guess.
 *
 * The reference texts are the SPDX License List's, from the `spdx-license-list` package (CC0-1.0), read on first use.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FileResolver } from '../fs/index.js';

/** The licenses compared against: the common ones of Go modules and Rust crates. */
export const referenceLicenses = [
  '0BSD',
  'AGPL-3.0-only',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'GPL-2.0-only',
  'GPL-3.0-only',
  'ISC',
  'LGPL-2.1-only',
  'LGPL-3.0-only',
  'MIT',
  'MPL-2.0',
  'Unlicense',
  'Zlib',
] as const;

export type ReferenceLicense = (typeof referenceLicenses)[number];

/**
 * The lowest similarity that counts as a match. The closest pairs of different reference texts (BSD-2-Clause and
 * BSD-3-Clause, GPL-3.0 and AGPL-3.0) stay below it, and real LICENSE files with their own copyright lines and
 * reflowed paragraphs stay above it (see license-text.test.ts).
 */
export const matchThreshold = 0.95;

/** A license file is read up to this size; longer files are not single license texts. */
export const maxLicenseFileBytes = 256 * 1024;

export interface LicenseMatch {
  id: ReferenceLicense;
  /** Sørensen–Dice coefficient of the word sets, 0–1. */
  similarity: number;
}

const licenseFileName = /^(?:(?:un)?licen[cs]e|copying|notice)(?:[-.][\w.-]*)?$/i;
/** Source files named like license files (`license.go`, `LICENSE.html.tmpl`) hold code, not a license text. */
const codeExtension = /\.(?:go|rs|js|mjs|cjs|ts|py|c|h|cc|java|html|tmpl|json|ya?ml|toml|xml)$/i;

/** Whether a file name is one a project keeps its license in: LICENSE, LICENCE.md, LICENSE-MIT, COPYING.LESSER, NOTICE… */
export function isLicenseFileName(fileName: string): boolean {
  return licenseFileName.test(fileName) && !codeExtension.test(fileName);
}

/**
 * A copyright notice line: `Copyright (c) 2015 …`, `Copyright 2009 The Go Authors`, `(C) …`, `All rights reserved`;
 * not a line of the terms that happens to start with the word (`copyright notice and this permission notice…`).
 */
const copyrightNotice =
  /^[\s*#/>-]*(?:\(c\)|©|all rights reserved|copyright\b(?!\s+(?:notice|holder|owner|law|license|and\b|or\b|statement|protection|interest|claim|disclaimer|infringement|permission|[,.;:]|$)))/;

const titleLine = /^[\s#*]*(?:the\s+)?[\w .,-]{0,40}\blicense\b(?:\s*\([\w .-]+\))?[\s*:]*$/;

/** The words of a license text after normalisation, as a set. */
export function licenseWords(text: string): Set<string> {
  let t = text.toLowerCase().replace(/\r\n?/g, '\n').replace(/licence/g, 'license');
  // The GNU and Apache licenses end their terms here; the appendix on how to apply them is left out of many copies.
  const end = t.search(/end of terms and conditions/);
  if (end >= 0) t = t.slice(0, end);
  const lines = t.split('\n');
  // a title line ("The MIT License (MIT)", "Apache License"): copies keep it or not, and word it as they like
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first >= 0 && titleLine.test(lines[first] ?? '')) lines.splice(first, 1);
  t = lines
    // copyright notices name the holder and year, which differ in every copy
    .filter((line) => !copyrightNotice.test(line))
    .join('\n')
    .replace(/&/g, ' and ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[‘’`´]/g, "'");
  // numbers of one or two digits are list markers and version parts ("1.", "2.0"), numbered or not in each copy
  return new Set((t.match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []).filter((w) => !/^\d{1,2}$/.test(w)));
}

/** Sørensen–Dice coefficient of two word sets. */
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size + b.size === 0) return 0;
  let common = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const w of small) if (large.has(w)) common++;
  return (2 * common) / (a.size + b.size);
}

/**
 * The texts one reference license is matched by. SPDX's LGPL-3.0 text is the LGPL's own terms followed by the whole
 * GPL-3.0 it amends; projects ship the two as separate files (COPYING.LESSER beside COPYING), so the LGPL part alone
 * is a variant too.
 */
function variants(id: ReferenceLicense, text: string): string[] {
  if (id === 'LGPL-3.0-only') {
    const gpl = text.search(/\n\s*GNU GENERAL PUBLIC LICENSE\s*\n\s*Version 3/);
    if (gpl > 0) return [text.slice(0, gpl), text];
  }
  return [text];
}

let references: { id: ReferenceLicense; words: Set<string> }[] | undefined;

function referenceWords(): { id: ReferenceLicense; words: Set<string> }[] {
  if (!references) {
    const require = createRequire(import.meta.url);
    references = referenceLicenses.map((id) => {
      const entry = require(`spdx-license-list/licenses/${id}.json`) as { licenseText?: unknown };
      if (typeof entry.licenseText !== 'string') throw new Error(`spdx-license-list has no text for ${id}`);
      return variants(id, entry.licenseText).map((text) => ({ id, words: licenseWords(text) }));
    }).flat();
  }
  return references;
}

/** The reference license closest to `text`, whether or not it reaches the threshold; undefined for an empty text. */
export function closestLicense(text: string): LicenseMatch | undefined {
  const words = licenseWords(text);
  if (words.size === 0) return undefined;
  let best: LicenseMatch | undefined;
  for (const ref of referenceWords()) {
    const similarity = dice(words, ref.words);
    if (!best || similarity > best.similarity) best = { id: ref.id, similarity };
  }
  return best;
}

/** The SPDX id of a license text, or undefined when no reference text is similar enough. */
export function classifyLicenseText(text: string): LicenseMatch | undefined {
  const best = closestLicense(text);
  return best && best.similarity >= matchThreshold ? best : undefined;
}

/** Licenses found in the license files of one directory, and the files they came from. */
export interface FoundLicenses {
  /** SPDX ids, sorted, one per distinct license. */
  licenses: string[];
  /** The files that matched. */
  evidence: string[];
}

function collect(found: { path: string; text: string | undefined }[]): FoundLicenses | undefined {
  const licenses = new Set<string>();
  const evidence: string[] = [];
  for (const { path, text } of found) {
    const match = text === undefined ? undefined : classifyLicenseText(text);
    if (!match) continue;
    licenses.add(match.id);
    evidence.push(path);
  }
  return licenses.size === 0 ? undefined : { licenses: [...licenses].sort(), evidence: evidence.sort() };
}

/**
 * The licenses of the license files directly inside `dir` of a scanned filesystem (their bodies must have been kept
 * by the scan); undefined when none of them matches a reference license.
 */
export function licensesInDirectory(files: FileResolver, dir: string): FoundLicenses | undefined {
  const found = files
    .children(dir)
    .filter((e) => e.type === 'file' && isLicenseFileName(e.path.slice(e.path.lastIndexOf('/') + 1)) && e.size <= maxLicenseFileBytes)
    .map((e) => ({ path: e.path, text: files.body(e.path)?.toString('utf8') }));
  return collect(found);
}

/**
 * A file of this machine (a package cache outside the scanned tree) as text: undefined when it is not a regular file,
 * is larger than `maxLicenseFileBytes` or cannot be read.
 */
export function readHostLicenseFile(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() && st.size <= maxLicenseFileBytes ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** `licensesInDirectory` for a directory of this machine (a module cache outside the scanned tree). */
export function licensesInHostDirectory(dir: string): FoundLicenses | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const found = names
    .filter((n) => isLicenseFileName(n))
    .sort()
    .map((n) => {
      const path = join(dir, n);
      return { path, text: readHostLicenseFile(path) };
    });
  return collect(found);
}

/** Licenses found in files of this machine, their evidence marked `host:` so that it never reads as a path of the scanned tree. */
export function onHost(found: FoundLicenses): FoundLicenses {
  return { licenses: found.licenses, evidence: found.evidence.map((p) => `host:${p}`) };
}

/** Package fields for found licenses: the SPDX ids and, in metadata, the files they came from. */
export function licenseFields(found: FoundLicenses | undefined): { licenses: string[]; metadata: { licenseEvidence?: string } } {
  return found ? { licenses: found.licenses, metadata: { licenseEvidence: found.evidence.join(', ') } } : { licenses: [], metadata: {} };
}
