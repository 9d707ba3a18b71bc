/**
 * Text from an image, a file or a registry (a package name, a path, a message, an advisory) made safe to show. Three
 * degrees, for three places, and `truncate` for the width of a table column:
 * - `printableName`: inside an error message — every control character as `?`, cut to 200 characters;
 * - `oneLine`: a field of one row of text output — line breaks and tabs as `\n`, `\t` (the text stays readable);
 * - `terminalText`: a whole text output on its way to the terminal — control characters as `?`, newlines, tabs and
 *   (when colour is on) colour sequences kept.
 */

/* eslint-disable no-control-regex -- control characters are exactly what these look for */
const anyControl = /[\x00-\x1f\x7f]/g;
const controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const controlsBesideColour = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
/* eslint-enable no-control-regex */

/** Keeps an error message on one line and short whatever a hostile name contains. */
export function printableName(name: string): string {
  const flat = name.replace(anyControl, '?');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * A value read from an image or a file (a package name, a path, a message), shown on one line of text output: line
 * breaks and tabs written as their JSON escapes (`\n`, `\r`, `\t`, `\u2028`), so a name cannot forge table rows or
 * findings. Other control characters are `terminalText`'s to replace on the way out.
 */
export function oneLine(text: string): string {
  return text.replace(/[\n\r\t\u0085\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Text output with the control characters that images, packages and advisories may carry shown as `?`: a package
 * name or a file path could otherwise move the cursor, rewrite earlier lines, clear the screen or set the window
 * title. Newlines and tabs stay (the layout uses them), and so do colour sequences when colour is on (picocolors
 * writes them).
 */
export function terminalText(text: string, color: boolean): string {
  return color ? text.replace(controlsBesideColour, (m) => (m.length > 1 ? m : '?')) : text.replace(controls, '?');
}

/**
 * `text` on one line of at most `width` characters: runs of white space made one space, and a longer text cut with
 * an ellipsis, so one long value (a path, a version string from an advisory) cannot push a table's columns apart.
 * For text output only: JSON and SARIF keep the exact value.
 */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/**
 * `text` on lines of at most `width` characters, broken at spaces (a word longer than `width` gets a line of its own,
 * whole): advice that must be read in full (a fix), where `truncate` would cut it.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `1 file`, `2 files`: a count with its noun. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
