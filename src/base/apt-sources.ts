/**
 * The apt sources this machine is configured with: deb822 `/etc/apt/sources.list.d/*.sources` and the one-line
 * format of `/etc/apt/sources.list` (and `sources.list.d/*.list`). Only `deb` entries count (no `deb-src`).
 * See sources.list(5).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidInput, notFound, ShipshapeError, wrap } from '../internal/errors.js';
import { field, parseDeb822 } from './deb822.js';
import { readTextIfExists } from '../internal/files.js';

export interface AptSource {
  /** Archive root, without a trailing slash: `http://deb.debian.org/debian`. */
  uri: string;
  suite: string;
  components: string[];
  /** Keyring file from `Signed-By`, when the source names one. */
  signedBy?: string;
  /** `false` when the source says `check-valid-until=no` (`Check-Valid-Until: no`): its InRelease may be expired. */
  checkValidUntil?: boolean;
  /** `false` when the source says `check-date=no` (`Check-Date: no`): its InRelease may be dated in the future. */
  checkDate?: boolean;
  /** Seconds, from `valid-until-max=` (`Valid-Until-Max:`): this source's apt `Acquire::Max-ValidTime`. */
  maxValidTime?: number;
  /** Seconds, from `valid-until-min=` (`Valid-Until-Min:`): this source's apt `Acquire::Min-ValidTime`. */
  minValidTime?: number;
}

/** apt's boolean option values (`yes`/`no`, `true`/`false`, `1`/`0`): only an explicit "no" is kept. */
function checkOption(name: 'checkValidUntil' | 'checkDate', value: string | undefined): Partial<Pick<AptSource, 'checkValidUntil' | 'checkDate'>> {
  return value !== undefined && ['no', 'false', '0', 'off'].includes(value.trim().toLowerCase()) ? { [name]: false } : {};
}

/** A `valid-until-max`/`valid-until-min` value: seconds, as apt reads it (a positive integer; 0 is apt's "unset"). */
function validTimeOption(name: 'maxValidTime' | 'minValidTime', value: string | undefined, subject: string): Partial<Pick<AptSource, 'maxValidTime' | 'minValidTime'>> {
  if (value === undefined) return {};
  const text = value.trim();
  if (!/^\d+$/.test(text)) throw invalidInput(subject, `${name === 'maxValidTime' ? 'valid-until-max' : 'valid-until-min'} "${text}" is not a number of seconds`);
  const seconds = Number(text);
  return seconds === 0 ? {} : { [name]: seconds };
}

/** Parses a deb822 `.sources` file. */
export function parseSourcesFile(text: string, subject: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of parseDeb822(text, subject, { comments: true })) {
    if (field(stanza, 'Enabled')?.toLowerCase() === 'no') continue;
    const types = (field(stanza, 'Types') ?? '').split(/\s+/);
    if (!types.includes('deb')) continue;
    const uris = (field(stanza, 'URIs') ?? '').split(/\s+/).filter(Boolean);
    const suites = (field(stanza, 'Suites') ?? '').split(/\s+/).filter(Boolean);
    const components = (field(stanza, 'Components') ?? '').split(/\s+/).filter(Boolean);
    const signedBy = field(stanza, 'Signed-By')?.trim();
    if (uris.length === 0 || suites.length === 0) throw invalidInput(subject, 'a deb stanza needs URIs and Suites');
    for (const uri of uris) {
      for (const suite of suites) {
        out.push({
          uri: uri.replace(/\/+$/, ''),
          suite,
          components,
          ...(signedBy !== undefined && signedBy.startsWith('/') ? { signedBy } : {}),
          ...checkOption('checkValidUntil', field(stanza, 'Check-Valid-Until')),
          ...checkOption('checkDate', field(stanza, 'Check-Date')),
          ...validTimeOption('maxValidTime', field(stanza, 'Valid-Until-Max'), subject),
          ...validTimeOption('minValidTime', field(stanza, 'Valid-Until-Min'), subject),
        });
      }
    }
  }
  return out;
}

/** Parses the one-line format: `deb [opt=val ...] URI SUITE COMPONENT...`. */
export function parseSourcesList(text: string, subject: string): AptSource[] {
  const out: AptSource[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const options: Record<string, string> = {};
    const rest = line.replace(/\[([^\]]*)\]/, (_m, inner: string) => {
      for (const kv of inner.trim().split(/\s+/)) {
        const eq = kv.indexOf('=');
        if (eq > 0) options[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      return '';
    });
    const [type, uri, suite, ...components] = rest.trim().split(/\s+/);
    if (type !== 'deb') continue;
    if (uri === undefined || suite === undefined) throw invalidInput(subject, `line ${i + 1}: expected "deb URI SUITE COMPONENT..."`);
    const signedBy = options['signed-by'];
    out.push({
      uri: uri.replace(/\/+$/, ''),
      suite,
      components,
      ...(signedBy?.startsWith('/') === true ? { signedBy } : {}),
      ...checkOption('checkValidUntil', options['check-valid-until']),
      ...checkOption('checkDate', options['check-date']),
      ...validTimeOption('maxValidTime', options['valid-until-max'], `${subject}: line ${i + 1}`),
      ...validTimeOption('minValidTime', options['valid-until-min'], `${subject}: line ${i + 1}`),
    });
  }
  return out;
}


/** Every `deb` source configured under `etcApt` (default `/etc/apt`), in apt's reading order. */
export async function readAptSources(etcApt = '/etc/apt'): Promise<AptSource[]> {
  const out: AptSource[] = [];
  const list = await readTextIfExists(join(etcApt, 'sources.list'));
  if (list !== undefined) out.push(...parseSourcesList(list, join(etcApt, 'sources.list')));
  let names: string[] = [];
  try {
    names = (await readdir(join(etcApt, 'sources.list.d'))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw wrap(error, `reading ${join(etcApt, 'sources.list.d')}`);
  }
  for (const name of names) {
    const path = join(etcApt, 'sources.list.d', name);
    if (name.endsWith('.sources')) out.push(...parseSourcesFile((await readTextIfExists(path)) ?? '', path));
    else if (name.endsWith('.list')) out.push(...parseSourcesList((await readTextIfExists(path)) ?? '', path));
  }
  if (out.length === 0) throw notFound(etcApt, 'no apt sources configured (pass --mirror URI)');
  return out;
}

/** Debian 12's default sources, as its installer writes them. */
export const debianDefaultSources: readonly AptSource[] = [
  { uri: 'http://deb.debian.org/debian', suite: 'bookworm', components: ['main'] },
  { uri: 'http://deb.debian.org/debian', suite: 'bookworm-updates', components: ['main'] },
  { uri: 'http://deb.debian.org/debian-security', suite: 'bookworm-security', components: ['main'] },
];

/**
 * The machine's apt sources, or Debian 12's defaults on a machine with none (not a Debian system, or a container
 * with only Node.js): the bases are Debian 12 either way.
 */
export async function aptSourcesOrDefault(etcApt = '/etc/apt'): Promise<AptSource[]> {
  try {
    return await readAptSources(etcApt);
  } catch (error) {
    if (error instanceof ShipshapeError && error.code === 'not-found') return [...debianDefaultSources];
    throw error;
  }
}

/**
 * Sources from `--mirror URI[,SUITE...]`: the mirror with the given suites (default: bookworm, bookworm-updates),
 * component main. A security mirror is another `--mirror`.
 */
export function mirrorSource(spec: string): AptSource[] {
  const [uri, ...suites] = spec.split(',');
  if (uri === undefined || !/^https?:\/\//.test(uri)) throw invalidInput(`--mirror ${spec}`, 'expected http(s)://HOST/PATH[,SUITE...]');
  return (suites.length > 0 ? suites : ['bookworm', 'bookworm-updates']).map((suite) => ({ uri: uri.replace(/\/+$/, ''), suite, components: ['main'] }));
}
