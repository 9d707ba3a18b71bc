/**
 * Debian control-file syntax (deb822): stanzas of `Field: value` lines separated by blank lines, with
 * continuation lines starting with a space or tab. Used by Release, Packages, `.sources` and `DEBIAN/control`.
 * See deb822(5) and Debian Policy §5.1.
 */
import { invalidInput } from '../internal/errors.js';

/** One stanza; field names keep their spelling, look-ups go through `field()` (names are case-insensitive). */
export type Stanza = Map<string, string>;

/** Parses every stanza of a deb822 text. `#` comment lines are allowed where `comments` is set (`.sources`). */
export function parseDeb822(text: string, subject: string, options: { comments?: boolean } = {}): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  let last: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (options.comments === true && line.startsWith('#')) continue;
    if (line.trim() === '') {
      if (current !== undefined) stanzas.push(current);
      current = undefined;
      last = undefined;
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current === undefined || last === undefined) throw invalidInput(subject, `line ${i + 1}: continuation line without a field`);
      current.set(last, `${current.get(last) ?? ''}\n${line}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalidInput(subject, `line ${i + 1}: expected "Field: value"`);
    const name = line.slice(0, colon).toLowerCase();
    current ??= new Map();
    current.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  if (current !== undefined) stanzas.push(current);
  return stanzas;
}

/** A field's value (names are case-insensitive), or undefined. */
export function field(stanza: Stanza, name: string): string | undefined {
  return stanza.get(name.toLowerCase());
}

/** A field that must be present. */
export function requiredField(stanza: Stanza, name: string, subject: string): string {
  const value = field(stanza, name);
  if (value === undefined || value === '') throw invalidInput(subject, `missing field "${name}"`);
  return value;
}
