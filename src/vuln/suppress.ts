/**
 * What a team has already decided about findings, applied after matching: an ignore file (ids with an optional
 * package, a reason and an expiry date), a baseline of accepted findings, and OpenVEX statements
 * (https://github.com/openvex/spec: `not_affected` and `fixed` suppress, with their justification). Suppressed
 * matches are kept in the result with the reason, never silently dropped; expired ignore entries are reported.
 */
import { PackageURL } from 'packageurl-js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { invalidInput } from '../internal/errors.js';
import { parseJson } from '../internal/parse-json.js';
import { issueField } from '../internal/zod-issues.js';
import type { Match } from './match.js';

export interface Suppression {
  by: 'ignore' | 'baseline' | 'vex';
  /** Why, in the words of the file that said so (the VEX justification and impact statement, for VEX). */
  reason: string;
  /** For `vex`: the statement's status and justification. */
  status?: string;
  justification?: string;
  /** For `ignore`: the entry's expiry date. */
  expires?: string;
}

export interface SuppressedMatch {
  match: Match;
  suppression: Suppression;
}

const dateSchema = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'a date such as 2025-12-31')]).transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d));

export const ignoreFileSchema = z.strictObject({
  vulnerabilities: z
    .array(
      z.strictObject({
        /** A vulnerability id or alias: CVE-…, GHSA-…, DSA-…. */
        id: z.string().min(1),
        /** Only for this package: its name, the advisory's (source) package name, or a purl. */
        package: z.string().min(1).optional(),
        reason: z.string().min(1),
        /** After this day the entry no longer suppresses, and the scan says so. */
        expires: dateSchema.optional(),
      }),
    )
    .default([]),
});

export type IgnoreFile = z.infer<typeof ignoreFileSchema>;
export type IgnoreEntry = IgnoreFile['vulnerabilities'][number];

/** Parses `.shipshape-ignore.yaml` text; `where` names the file in errors. */
export function parseIgnoreFile(text: string, where: string): IgnoreFile {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw invalidInput(where, `invalid YAML: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`);
  }
  const r = ignoreFileSchema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(where, `field "${issueField(issue)}": ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

export const baselineSchema = z.strictObject({
  kind: z.literal('shipshape-scan-baseline'),
  version: z.literal(1),
  findings: z.array(z.strictObject({ id: z.string().min(1), package: z.string(), purl: z.string().min(1) })),
});

export type Baseline = z.infer<typeof baselineSchema>;

export function parseBaseline(text: string, where: string): Baseline {
  return parseJson(text, baselineSchema, where, 'a baseline written by `shipshape scan --write-baseline`');
}

/** A purl without version, qualifiers and subpath: a finding stays accepted across rebuilds of the same package. */
function packageKey(purl: string): string {
  try {
    const p = PackageURL.fromString(purl);
    return new PackageURL(p.type, p.namespace, p.name, undefined, undefined, undefined).toString();
  } catch {
    return purl.replace(/[@?#].*$/, '');
  }
}

export function baselineOf(matches: readonly Match[]): Baseline {
  const seen = new Map<string, Baseline['findings'][number]>();
  for (const m of matches) {
    const purl = packageKey(m.package.purl);
    seen.set(`${m.id}\n${purl}`, { id: m.id, package: m.package.name, purl });
  }
  const findings = [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
  return { kind: 'shipshape-scan-baseline', version: 1, findings };
}

const vexProduct = z.looseObject({
  '@id': z.string().optional(),
  identifiers: z.looseObject({ purl: z.string().optional() }).optional(),
  subcomponents: z.array(z.looseObject({ '@id': z.string().optional(), identifiers: z.looseObject({ purl: z.string().optional() }).optional() })).optional(),
});

export const openVexSchema = z.looseObject({
  '@context': z.string().startsWith('https://openvex.dev/ns'),
  statements: z.array(
    z.looseObject({
      // v0.2.0 names the vulnerability in an object; v0.0.1 documents used a bare string.
      vulnerability: z.union([z.string().min(1), z.looseObject({ name: z.string().optional(), '@id': z.string().optional(), aliases: z.array(z.string()).optional() })]),
      products: z.array(z.union([z.string(), vexProduct])).optional(),
      status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
      justification: z.string().optional(),
      impact_statement: z.string().optional(),
      status_notes: z.string().optional(),
      timestamp: z.string().optional(),
    }),
  ),
});

export type OpenVex = z.infer<typeof openVexSchema>;

export function parseOpenVex(text: string, where: string): OpenVex {
  return parseJson(text, openVexSchema, where, 'an OpenVEX document');
}

/** Whether a VEX product purl names this package: same type, namespace and name; same version when it gives one. */
function purlCovers(vexPurl: string, packagePurl: string): boolean {
  try {
    const v = PackageURL.fromString(vexPurl);
    const p = PackageURL.fromString(packagePurl);
    return v.type === p.type && (v.namespace ?? '') === (p.namespace ?? '') && v.name === p.name && (v.version === undefined || v.version === p.version);
  } catch {
    return vexPurl === packagePurl;
  }
}

type Statement = OpenVex['statements'][number];

function statementIds(s: Statement): string[] {
  if (typeof s.vulnerability === 'string') return [s.vulnerability];
  return [s.vulnerability.name, s.vulnerability['@id'], ...(s.vulnerability.aliases ?? [])].filter((x): x is string => x !== undefined);
}

function purlsOf(product: NonNullable<Statement['products']>[number]): { products: string[]; subcomponents: string[] } {
  if (typeof product === 'string') return { products: [product], subcomponents: [] };
  const products = [product['@id'], product.identifiers?.purl].filter((x): x is string => x !== undefined);
  const subcomponents = (product.subcomponents ?? []).flatMap((s) => [s['@id'], s.identifiers?.purl].filter((x): x is string => x !== undefined));
  return { products, subcomponents };
}

/**
 * Whether a statement speaks of this match. Subcomponents name packages inside a product (the image); a product that
 * is itself a package purl names that package; a statement about the image alone (or no product) covers all of it.
 */
function statementCovers(s: Statement, m: Match, ids: readonly string[] = [m.id, ...m.aliases]): boolean {
  const named = new Set(statementIds(s));
  if (!ids.some((id) => named.has(id))) return false;
  const products = (s.products ?? []).map(purlsOf);
  const subcomponents = products.flatMap((p) => p.subcomponents);
  if (subcomponents.length > 0) return subcomponents.some((p) => purlCovers(p, m.package.purl));
  const packages = products.flatMap((p) => p.products).filter((p) => p.startsWith('pkg:') && !p.startsWith('pkg:oci/') && !p.startsWith('pkg:docker/'));
  if (packages.length > 0) return packages.some((p) => purlCovers(p, m.package.purl));
  return true;
}

function ignorePackage(e: IgnoreEntry, m: Match): boolean {
  if (e.package === undefined) return true;
  if (e.package.startsWith('pkg:')) return purlCovers(e.package, m.package.purl);
  return e.package === m.package.name || e.package === m.advisoryPackage.name;
}

function ignoreCovers(e: IgnoreEntry, m: Match): boolean {
  return (e.id === m.id || m.aliases.includes(e.id)) && ignorePackage(e, m);
}

/**
 * The ignore entries that suppress a match: one naming its id or an alias; for an advisory that stands for several
 * vulnerabilities (`covers`), entries naming each of them, since ignoring one CVE must not hide the others it fixes.
 */
function ignoredBy(active: readonly IgnoreEntry[], m: Match): IgnoreEntry[] | undefined {
  const entry = active.find((e) => ignoreCovers(e, m));
  if (entry) return [entry];
  if (m.covers === undefined || m.covers.length === 0) return undefined;
  const each = m.covers.map((id) => active.find((e) => e.id === id && ignorePackage(e, m)));
  return each.every((e) => e !== undefined) ? [...new Set(each)] : undefined;
}

type Ordered = { s: Statement; i: number }[];

const settles = (s: Statement | undefined): s is Statement => s !== undefined && (s.status === 'not_affected' || s.status === 'fixed');

/**
 * The VEX statements that suppress a match: the latest about it, when it says not_affected or fixed; for an advisory
 * that stands for several vulnerabilities (`covers`) and that no statement names, the latest about each of them,
 * when every one of those says so — as with ignore entries, one vulnerability settled leaves the others reported.
 */
function settledBy(statements: Ordered, m: Match): Statement[] | undefined {
  const latest = (ids?: readonly string[]): Statement | undefined => statements.filter(({ s }) => statementCovers(s, m, ids)).pop()?.s;
  const last = latest();
  if (last !== undefined) return settles(last) ? [last] : undefined;
  if (m.covers === undefined || m.covers.length === 0) return undefined;
  const each = m.covers.map((id) => latest([id]));
  return each.every(settles) ? [...new Set(each)] : undefined;
}

export interface SuppressOptions {
  ignore?: IgnoreFile | undefined;
  baseline?: Baseline | undefined;
  vex?: OpenVex[] | undefined;
  /** Today, `YYYY-MM-DD` (UTC): entries expire after their `expires` day. */
  today?: string;
}

export interface SuppressResult {
  matches: Match[];
  suppressed: SuppressedMatch[];
  /** Ignore entries past their expiry date: they no longer suppress anything. */
  expired: IgnoreEntry[];
}

export function applySuppressions(matches: readonly Match[], options: SuppressOptions): SuppressResult {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const entries = options.ignore?.vulnerabilities ?? [];
  const expired = entries.filter((e) => e.expires !== undefined && e.expires.slice(0, 10) < today);
  const active = entries.filter((e) => !expired.includes(e));
  const accepted = new Set((options.baseline?.findings ?? []).map((f) => `${f.id}\n${f.purl}`));
  // OpenVEX: the latest statement about a vulnerability and product wins; documents and statements in order otherwise.
  const statements = (options.vex ?? []).flatMap((d) => d.statements).map((s, i) => ({ s, i }));
  statements.sort((a, b) => (a.s.timestamp ?? '').localeCompare(b.s.timestamp ?? '') || a.i - b.i);
  const kept: Match[] = [];
  const suppressed: SuppressedMatch[] = [];
  for (const m of matches) {
    const entries = ignoredBy(active, m);
    if (entries) {
      // several entries (one per CVE of an advisory): their reasons, and the day the first of them expires
      const reason = [...new Set(entries.map((e) => e.reason))].join('; ');
      const expires = entries.flatMap((e) => (e.expires === undefined ? [] : [e.expires])).sort()[0];
      suppressed.push({ match: m, suppression: { by: 'ignore', reason, ...(expires ? { expires } : {}) } });
      continue;
    }
    const settled = settledBy(statements, m);
    if (settled) {
      const reason = [...new Set(settled.map((st) => [st.status === 'fixed' ? 'fixed' : (st.justification ?? 'not affected'), st.impact_statement ?? st.status_notes].filter(Boolean).join(': ')))].join('; ');
      // several statements (one per vulnerability of an advisory): not_affected unless each says fixed, and their
      // justification when they give one and the same
      const status = settled.every((st) => st.status === 'fixed') ? 'fixed' : 'not_affected';
      const justifications = [...new Set(settled.flatMap((st) => (st.justification === undefined ? [] : [st.justification])))];
      const [justification] = justifications;
      suppressed.push({ match: m, suppression: { by: 'vex', reason, status, ...(justifications.length === 1 && justification !== undefined ? { justification } : {}) } });
      continue;
    }
    // by id or alias: which of the records that name each other a scan shows can change with a database update
    if ([m.id, ...m.aliases].some((id) => accepted.has(`${id}\n${packageKey(m.package.purl)}`))) {
      suppressed.push({ match: m, suppression: { by: 'baseline', reason: 'accepted in the baseline' } });
      continue;
    }
    kept.push(m);
  }
  return { matches: kept, suppressed, expired };
}
