/** Debian control-file paragraphs (deb822): `Field: value` with continuation lines, paragraphs split by blank lines. */
export type Paragraph = Map<string, string>;

export function parseParagraphs(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph = new Map();
  let lastField: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current.size > 0) paragraphs.push(current);
      current = new Map();
      lastField = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastField !== undefined) {
      current.set(lastField, `${current.get(lastField) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed control line: ${JSON.stringify(line.slice(0, 60))}`);
    lastField = line.slice(0, colon).trim();
    current.set(lastField, line.slice(colon + 1).trim());
  }
  if (current.size > 0) paragraphs.push(current);
  return paragraphs;
}
