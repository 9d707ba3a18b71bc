/**
 * Image references parsed and normalised exactly as Docker does (distribution/reference: `ParseNormalizedNamed`):
 * `node:20` → `docker.io/library/node:20`, `localhost:5000/app`, `[::1]:5000/app`, `name@sha256:…`, and tag plus digest.
 */
import { invalidInput } from '../internal/errors.js';
import type { Digest } from './types.js';

export const defaultDomain = 'docker.io';
const legacyDefaultDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';
const maxNameLength = 255;

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainName = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*$/;
const ipv6 = /^\[[a-fA-F0-9:]+\]$/;
const port = /^[0-9]+$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

export interface Reference {
  /** Registry host, with port when given: `docker.io`, `localhost:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/node`. */
  readonly path: string;
  /** `domain/path`. */
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;
}

/** `name:tag@digest` in full canonical form (`docker.io/library/node:20`). */
export function canonical(ref: Reference): string {
  return ref.name + (ref.tag === undefined ? '' : `:${ref.tag}`) + (ref.digest === undefined ? '' : `@${ref.digest}`);
}

/** The short form Docker prints (`node:20`, `user/app:1`, `localhost:5000/app:1`). */
export function familiar(ref: Reference): string {
  let name = ref.name;
  if (ref.domain === defaultDomain) {
    name = ref.path.startsWith(officialRepoPrefix) && ref.path.indexOf('/', officialRepoPrefix.length) === -1 ? ref.path.slice(officialRepoPrefix.length) : ref.path;
  }
  return name + (ref.tag === undefined ? '' : `:${ref.tag}`) + (ref.digest === undefined ? '' : `@${ref.digest}`);
}

/** The tag, or the digest, that identifies the manifest to fetch: digest first, then tag, then `latest`. */
export function identifier(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** Adds the `latest` tag when a reference has neither tag nor digest (Docker's `TagNameOnly`). */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}

function isDomain(candidate: string): boolean {
  const colon = candidate.startsWith('[') ? candidate.indexOf(':', candidate.indexOf(']')) : candidate.indexOf(':');
  const host = colon === -1 ? candidate : candidate.slice(0, colon);
  const portPart = colon === -1 ? undefined : candidate.slice(colon + 1);
  if (portPart !== undefined && !port.test(portPart)) return false;
  return domainName.test(host) || ipv6.test(host);
}

/**
 * Parses a reference as `docker pull` does. Throws `invalid-input` naming the reference on any error.
 * Fully-qualified digests must be sha256 (64 hex) or sha512 (128 hex).
 */
export function parseReference(input: string): Reference {
  const fail = (why: string): never => {
    throw invalidInput(`image reference "${input}"`, why);
  };
  if (input.length === 0) fail('empty reference');
  if (input !== input.trim()) fail('leading or trailing whitespace');

  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    const d = rest.slice(at + 1);
    if (!digestPattern.test(d)) fail('invalid digest format');
    validateDigest(d, fail);
    digest = d as Digest;
    rest = rest.slice(0, at);
  }

  // A tag follows the last colon after the last slash (a colon before a slash is a port).
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) fail('invalid tag format');
  }
  if (rest.length === 0) fail('missing repository name');

  let domain: string;
  let path: string;
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = first;
    path = rest.slice(slash + 1);
    if (!isDomain(domain)) fail(`invalid registry host "${domain}"`);
  } else {
    domain = defaultDomain;
    path = rest;
  }
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !path.includes('/')) path = officialRepoPrefix + path;

  if (path !== path.toLowerCase()) fail('repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!pathComponent.test(component)) fail('invalid reference format');
  }
  const name = `${domain}/${path}`;
  if (name.length > maxNameLength) fail(`repository name must not be more than ${maxNameLength} characters`);
  return { domain, path, name, tag, digest };
}

function validateDigest(value: string, fail: (why: string) => never): void {
  const [algorithm = '', hex = ''] = value.split(':');
  const expected: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  const length = expected[algorithm];
  if (length === undefined) fail(`unsupported digest algorithm "${algorithm}"`);
  if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) fail(`invalid ${algorithm} digest`);
}

/** Validates a bare digest string (`sha256:<64 hex>`). */
export function parseDigest(value: string, subject = `digest "${value}"`): Digest {
  const m = /^(sha256|sha384|sha512):([0-9a-f]+)$/.exec(value);
  const lengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  if (!m || m[2]?.length !== lengths[m[1] ?? '']) throw invalidInput(subject, 'not a valid digest (want sha256:<64 lowercase hex>)');
  return value as Digest;
}
