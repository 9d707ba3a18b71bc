/**
 * A value read from an image or a file (a package name, a path, a message), shown on one line of text output: line
 * breaks and tabs written as their JSON escapes (`\n`, `\r`, `\t`, `\u2028`), so a name cannot forge table rows or
 * findings. Other control characters are the CLI's to replace on the way out.
 */
export function oneLine(text: string): string {
  return text.replace(/[\n\r\t\u0085\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
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
