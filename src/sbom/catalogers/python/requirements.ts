/**
 * What an installed Python distribution requires: PEP 508 requirement strings (core metadata `Requires-Dist`, the
 * lines of an egg-info `requires.txt`) and their environment markers, evaluated against what the image shows of its
 * interpreter.
 */

/** The marker variables an image tells (PEP 508 "Environment Markers"); a variable left out is unknown. */
export type MarkerEnvironment = Readonly<Record<string, string>>;

/**
 * A Linux CPython's marker values, with `python_version` where the interpreter's version is known. `extra` is empty,
 * as pip evaluates an installed distribution's own requirements: which extras were installed is not recorded, so a
 * requirement only an extra brings is not counted.
 */
export function linuxCPython(pythonVersion: string | undefined): MarkerEnvironment {
  return {
    os_name: 'posix',
    sys_platform: 'linux',
    platform_system: 'Linux',
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython',
    extra: '',
    ...(pythonVersion === undefined ? {} : { python_version: pythonVersion }),
  };
}

/** A requirement's PEP 503 name as written (not yet normalised) and its marker, if any. */
export interface Requirement {
  readonly name: string;
  readonly marker?: string;
}

const requirementName = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

/** Reads one PEP 508 requirement (`name[extras] (>=1) ; marker`, `name @ url ; marker`); undefined when it names nothing. */
export function parseRequirement(text: string): Requirement | undefined {
  const name = requirementName.exec(text)?.[1];
  if (name === undefined) return undefined;
  const rest = text.slice(text.indexOf(name) + name.length);
  // after a URL the marker needs whitespace before `;` (PEP 508), since a URL may hold a `;` itself
  const isUrl = /^\s*(?:\[[^\]]*\])?\s*@/.test(rest);
  const semicolon = isUrl ? rest.search(/\s;/) + 1 : rest.indexOf(';');
  if (semicolon < (isUrl ? 1 : 0)) return { name };
  const marker = rest.slice(semicolon + 1).trim();
  return marker === '' ? { name } : { name, marker };
}

/**
 * The requirements of an egg-info `requires.txt` (setuptools' form): lines before any section are required, a
 * `[:marker]` section's lines under that marker, and an `[extra]` or `[extra:marker]` section's only with an extra,
 * so none of them.
 */
export function parseRequiresTxt(text: string): Requirement[] {
  const out: Requirement[] = [];
  let marker: string | undefined;
  let extra = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const [name = '', ...cond] = (section[1] ?? '').split(':');
      extra = name.trim() !== '';
      marker = cond.join(':').trim() || undefined;
      continue;
    }
    if (extra) continue;
    const req = parseRequirement(line);
    if (req === undefined) continue;
    out.push(marker === undefined ? req : { name: req.name, marker: req.marker === undefined ? marker : `(${marker}) and (${req.marker})` });
  }
  return out;
}

interface Token {
  kind: 'word' | 'string' | 'op' | 'open' | 'close';
  text: string;
}

function tokenize(marker: string): Token[] | undefined {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|'([^']*)'|"([^"]*)"|(===|==|!=|<=|>=|~=|<|>)|(not\s+in\b)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let at = 0;
  while (at < marker.length) {
    if (/^\s*$/.test(marker.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(marker);
    if (!m) return undefined;
    at = pattern.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'open', text: '(' });
    else if (m[2] !== undefined) tokens.push({ kind: 'close', text: ')' });
    else if (m[3] !== undefined || m[4] !== undefined) tokens.push({ kind: 'string', text: m[3] ?? m[4] ?? '' });
    else if (m[5] !== undefined) tokens.push({ kind: 'op', text: m[5] });
    else if (m[6] !== undefined) tokens.push({ kind: 'op', text: 'not in' });
    else tokens.push({ kind: 'word', text: m[7] ?? '' });
  }
  return tokens;
}

/** A release-only version (`3.11`, `3`, `3.*` with a trailing wildcard): its numbers, or undefined. */
function release(v: string): number[] | undefined {
  return /^\d+(\.\d+)*$/.test(v) ? v.split('.').map(Number) : undefined;
}

function compareReleases(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** PEP 440 comparison of two release-only versions; undefined where either side is anything else (pre-releases…). */
function compareVersions(left: string, op: string, right: string): boolean | undefined {
  if ((op === '==' || op === '!=') && right.endsWith('.*')) {
    const a = release(left);
    const prefix = release(right.slice(0, -2));
    if (a === undefined || prefix === undefined) return undefined;
    const same = prefix.every((n, i) => (a[i] ?? 0) === n);
    return op === '==' ? same : !same;
  }
  const a = release(left);
  const b = release(right);
  if (a === undefined || b === undefined) return undefined;
  const c = compareReleases(a, b);
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '~=': {
      // compatible release: >= right and == right's release without its last number, as a prefix
      if (b.length < 2) return undefined;
      return c >= 0 && b.slice(0, -1).every((n, i) => (a[i] ?? 0) === n);
    }
    default:
      return undefined;
  }
}

function compare(left: string, op: string, right: string): boolean | undefined {
  if (op === 'in') return right.includes(left);
  if (op === 'not in') return !right.includes(left);
  if (op === '===') return left === right;
  const versions = compareVersions(left, op, right);
  if (versions !== undefined) return versions;
  // not versions on both sides: PEP 508 falls back to Python's string operators, of which only equality is meant
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  return undefined;
}

/**
 * Evaluates a PEP 508 marker in three values: true, false, or undefined where it depends on a variable the
 * environment does not know (or cannot be read). `and` is false when either side is, `or` true when either side is.
 */
export function evaluateMarker(marker: string, env: MarkerEnvironment): boolean | undefined {
  const tokens = tokenize(marker);
  if (tokens === undefined) return undefined;
  let at = 0;
  const malformed = (): never => {
    throw new SyntaxError(`malformed marker: ${marker}`);
  };
  const value = (): string | undefined => {
    const t = tokens[at];
    at += 1;
    if (t?.kind === 'string') return t.text;
    if (t?.kind === 'word') return env[t.text];
    return malformed();
  };
  const atom = (): boolean | undefined => {
    if (tokens[at]?.kind === 'open') {
      at += 1;
      const inner = or();
      if (tokens[at]?.kind !== 'close') malformed();
      at += 1;
      return inner;
    }
    const left = value();
    const op = tokens[at];
    at += 1;
    if (op === undefined || !(op.kind === 'op' || (op.kind === 'word' && op.text === 'in'))) return malformed();
    const right = value();
    if (left === undefined || right === undefined) return undefined;
    return compare(left, op.text, right);
  };
  const and = (): boolean | undefined => {
    let result = atom();
    while (tokens[at]?.kind === 'word' && tokens[at]?.text === 'and') {
      at += 1;
      const next = atom();
      result = result === false || next === false ? false : result === true && next === true ? true : undefined;
    }
    return result;
  };
  const or = (): boolean | undefined => {
    let result = and();
    while (tokens[at]?.kind === 'word' && tokens[at]?.text === 'or') {
      at += 1;
      const next = and();
      result = result === true || next === true ? true : result === false && next === false ? false : undefined;
    }
    return result;
  };
  try {
    const result = or();
    return at === tokens.length ? result : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}
