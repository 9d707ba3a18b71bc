/** What a stage is built on: an earlier stage, scratch, or an image reference with tag and digest. */
import type { Dockerfile, Stage } from '../dockerfile/index.js';
import { parseReference, type Reference } from '../image/reference.js';

export interface BaseImage {
  kind: 'stage' | 'scratch' | 'image' | 'unknown';
  /** Parsed reference for `image`. */
  ref: Reference | null;
  /** The base as written, before expansion. */
  raw: string;
  /** Repository base name (`node` of `docker.io/library/node`), lower-cased. */
  repo: string;
}

/**
 * Parsed image references by base text, shared by every stage and file that names the same base (`node:20`): the
 * reference is parsed once, not by each rule that asks. Not a WeakMap keyed by stage: V8's young-generation collector
 * keeps a WeakMap's values alive while the map itself is old, so an entry per stage promoted its objects out of the
 * young generation with every file, which made the scavenges several times slower. Bounded: cleared when full.
 */
const parsedBases = new Map<string, { ref: Reference; repo: string } | null>();
const maxParsedBases = 1024;

/**
 * The last stage asked about and its answer: a dozen rules ask for the base of the same stage while one file is
 * linted (some for every RUN). One entry, for the same reason `parsedBases` is not a WeakMap; it holds one stage
 * past its file, which is only read again if that file is.
 */
let lastStage: Stage | null = null;
let lastBase: BaseImage = { kind: 'unknown', ref: null, raw: '', repo: '' };
/** What `lastBase` was classified from, checked too: a stage changed in place is classified again. */
let lastFrom = '';
let lastBaseStage: number | null = null;

/**
 * Classifies a stage's base. `unknown` when the reference holds an unresolved variable or is invalid. Callers share
 * the answer: it must not be changed.
 */
export function baseImageOf(stage: Stage): BaseImage {
  if (stage === lastStage && lastBase.raw === stage.baseRaw && lastFrom === stage.base && lastBaseStage === stage.baseStage) return lastBase;
  lastBase = classify(stage);
  lastStage = stage;
  lastFrom = stage.base;
  lastBaseStage = stage.baseStage;
  return lastBase;
}

function classify(stage: Stage): BaseImage {
  const raw = stage.baseRaw;
  if (stage.baseStage !== null) return { kind: 'stage', ref: null, raw, repo: '' };
  if (stage.base.toLowerCase() === 'scratch') return { kind: 'scratch', ref: null, raw, repo: 'scratch' };
  if (stage.base === '' || stage.base.includes('$')) return { kind: 'unknown', ref: null, raw, repo: '' };
  let parsed = parsedBases.get(stage.base);
  if (parsed === undefined) {
    parsed = parseBase(stage.base);
    if (parsedBases.size >= maxParsedBases) parsedBases.clear();
    parsedBases.set(stage.base, parsed);
  }
  return parsed ? { kind: 'image', ref: parsed.ref, raw, repo: parsed.repo } : { kind: 'unknown', ref: null, raw, repo: '' };
}

function parseBase(base: string): { ref: Reference; repo: string } | null {
  try {
    const ref = parseReference(base);
    return { ref, repo: ref.path.slice(ref.path.lastIndexOf('/') + 1).toLowerCase() };
  } catch {
    return null;
  }
}

/** The image base of a stage, following `FROM <earlier stage>` chains to the image it started from. */
export function rootImageOf(df: Dockerfile, stage: Stage): BaseImage {
  let s: Stage | undefined = stage;
  for (let guard = 0; s && s.baseStage !== null && guard < 100; guard++) s = df.stages[s.baseStage];
  return s ? baseImageOf(s) : { kind: 'unknown', ref: null, raw: '', repo: '' };
}

/** Distroless-style bases: no shell, no package manager; users come predefined (`nonroot`). */
export function isDistroless(base: BaseImage): boolean {
  return base.ref !== null && (base.ref.path.includes('distroless') || base.ref.name.includes('chainguard') || (base.ref.tag ?? '').includes('distroless'));
}

/** Alpine-based images: `alpine`, or a tag with `alpine` in it (`node:20-alpine`). */
export function isAlpine(base: BaseImage): boolean {
  return base.repo === 'alpine' || (base.ref?.tag ?? '').includes('alpine');
}

/** Debian releases as official images name them in tags (`3.12-bookworm`, `20-bullseye-slim`). */
const debianRelease = /(^|-)(stretch|buster|bullseye|bookworm|trixie)$/;

/**
 * The tag of an official image's lighter variant (`-slim`, or `-cli` for php) of the same version and Debian
 * release. The images disagree on where the variant goes: node appends it (`20-bookworm-slim`), python, ruby,
 * perl, openjdk and php put it before the release (`3.12-slim-bookworm`; there is no `3.12-bookworm-slim`).
 */
export function variantTag(repo: string, tag: string, variant: string): string {
  if (repo === 'node') return `${tag}-${variant}`;
  const release = debianRelease.exec(tag);
  if (!release) return `${tag}-${variant}`;
  return `${tag.slice(0, release.index)}${release[1] ?? ''}${variant}-${release[2] ?? ''}`;
}
