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

const classified = new WeakMap<Stage, BaseImage>();

/** Classifies a stage's base. `unknown` when the reference holds an unresolved variable or is invalid. */
export function baseImageOf(stage: Stage): BaseImage {
  // many rules ask about the same stage: parse its reference once
  let base = classified.get(stage);
  if (!base) {
    base = classify(stage);
    classified.set(stage, base);
  }
  return base;
}

function classify(stage: Stage): BaseImage {
  const raw = stage.baseRaw;
  if (stage.baseStage !== null) return { kind: 'stage', ref: null, raw, repo: '' };
  if (stage.base.toLowerCase() === 'scratch') return { kind: 'scratch', ref: null, raw, repo: 'scratch' };
  if (stage.base === '' || stage.base.includes('$')) return { kind: 'unknown', ref: null, raw, repo: '' };
  try {
    const ref = parseReference(stage.base);
    const repo = ref.path.slice(ref.path.lastIndexOf('/') + 1).toLowerCase();
    return { kind: 'image', ref, raw, repo };
  } catch {
    return { kind: 'unknown', ref: null, raw, repo: '' };
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
