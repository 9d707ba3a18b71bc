/**
 * Inline pragmas: `# hadolint ignore=DL3008,SC2086` and `# shipshape ignore=<id>` in the comment lines directly
 * above an instruction, `# shipshape global ignore=<id>` (and hadolint's `global ignore`) anywhere, and
 * BuildKit's `# check=skip=A,B` parser directive (`skip=all` too).
 */
import type { Dockerfile, Instruction } from '../dockerfile/index.js';
import { RuleNameSet } from './rule-names.js';

const lineIgnoreRe = /^(?:hadolint|shipshape)\s+ignore\s*=\s*(.+)$/i;
const globalIgnoreRe = /^(?:hadolint|shipshape)\s+global\s+ignore\s*=\s*(.+)$/i;

/**
 * Whether a trimmed comment can be a pragma at all: both patterns start with `hadolint` or `shipshape`. Most comments
 * are prose, and every file's comments are checked, so the first letter is tested before the regex.
 */
function startsLikePragma(text: string): boolean {
  const c = text.charCodeAt(0) | 0x20;
  return c === 0x68 || c === 0x73;
}

function hasIgnorePragma(comments: readonly string[]): boolean {
  for (const text of comments) {
    const t = text.trim();
    if (startsLikePragma(t) && lineIgnoreRe.test(t)) return true;
  }
  return false;
}

function splitNames(list: string): string[] {
  return list
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface Pragmas {
  /** Rules ignored everywhere: global pragmas and `# check=skip=`. */
  global: RuleNameSet;
  /** Rules ignored for one instruction. */
  forInstruction(instruction: Instruction): RuleNameSet | undefined;
  /** False when no instruction has an ignore pragma of its own: the engine then skips `forInstruction`. */
  hasLocal: boolean;
}

/** The global set of a file without global pragmas (most files); a `RuleNameSet` is never changed once made. */
const noNames = new RuleNameSet([]);

/** Reads every pragma of a Dockerfile. */
export function readPragmas(df: Dockerfile): Pragmas {
  const global: string[] = [];
  for (const c of df.comments) {
    const m = startsLikePragma(c.text) ? globalIgnoreRe.exec(c.text) : null;
    if (m?.[1]) global.push(...splitNames(m[1]));
  }
  for (const d of df.directives) {
    if (d.name !== 'check') continue;
    // `# check=skip=A,B;error=true`
    for (const part of d.value.split(';')) {
      const [key, value] = part.split('=', 2);
      if (key?.trim().toLowerCase() === 'skip' && value !== undefined) global.push(...splitNames(value));
    }
  }
  let hasLocal = false;
  for (const i of df.instructions) {
    if (i.comments.length > 0 && hasIgnorePragma(i.comments)) {
      hasLocal = true;
      break;
    }
  }
  return new FilePragmas(global.length === 0 ? noNames : new RuleNameSet(global), hasLocal);
}

/** A file's pragmas: a class rather than an object literal with a closure, as one is made for every file linted. */
class FilePragmas implements Pragmas {
  readonly global: RuleNameSet;
  readonly hasLocal: boolean;
  /** Made on first use: the engine asks only in files with an instruction-level pragma. */
  #cache: Map<Instruction, RuleNameSet | undefined> | undefined;

  constructor(global: RuleNameSet, hasLocal: boolean) {
    this.global = global;
    this.hasLocal = hasLocal;
  }

  forInstruction(instruction: Instruction): RuleNameSet | undefined {
    const cache = (this.#cache ??= new Map<Instruction, RuleNameSet | undefined>());
    if (cache.has(instruction)) return cache.get(instruction);
    let names: string[] | undefined;
    for (const text of instruction.comments) {
      const m = lineIgnoreRe.exec(text.trim());
      if (m?.[1]) (names ??= []).push(...splitNames(m[1]));
    }
    const set = names ? new RuleNameSet(names) : undefined;
    cache.set(instruction, set);
    return set;
  }
}
