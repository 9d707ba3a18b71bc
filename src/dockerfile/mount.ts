/**
 * `RUN --mount=…` values: comma-separated `key=value` fields (CSV, as BuildKit reads them with encoding/csv).
 */
import type { Mount, MountField, Range } from './ast.js';

/**
 * Parse a `--mount` value. `rangeOf(start, end)` turns offsets within `value` into source ranges.
 * A field without `=` (`readonly`, `rw`) gets a `null` value.
 */
export function parseMount(value: string, rangeOf: (start: number, end: number) => Range): Mount {
  const fields: MountField[] = [];
  let i = 0;
  const n = value.length;
  while (i <= n) {
    const start = i;
    let text = '';
    if (value.charAt(i) === '"') {
      // a quoted CSV field: "" is a literal quote
      i++;
      while (i < n) {
        if (value.charAt(i) === '"') {
          if (value.charAt(i + 1) === '"') {
            text += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += value.charAt(i);
        i++;
      }
      while (i < n && value.charAt(i) !== ',') text += value.charAt(i++);
    } else {
      const comma = value.indexOf(',', i);
      const end = comma === -1 ? n : comma;
      text = value.slice(i, end);
      i = end;
    }
    const eq = text.indexOf('=');
    if (text !== '') {
      fields.push({
        key: (eq === -1 ? text : text.slice(0, eq)).trim().toLowerCase(),
        value: eq === -1 ? null : text.slice(eq + 1),
        range: rangeOf(start, i),
      });
    }
    i++;
  }
  const get = (key: string): string | undefined => {
    let found: string | undefined;
    for (const f of fields) if (f.key === key && f.value !== null) found = f.value;
    return found;
  };
  return { type: get('type') ?? 'bind', fields, get };
}
