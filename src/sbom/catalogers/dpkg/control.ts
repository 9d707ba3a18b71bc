/** Debian control-file paragraphs (deb822): `Field: value` with continuation lines, paragraphs split by blank lines. */
export type Paragraph = Map<string, string>;

/** One paragraph and where it starts; `error` when one of its lines is not a field, so that it cannot be trusted. */
export interface ParsedParagraph {
  fields: Paragraph;
  /** 1-based line of its first field. */
  line: number;
  error?: string;
}

/**
 * Splits `text` into paragraphs. A malformed line spoils only the paragraph it is in: a database with one broken
 * record still yields the others (the caller reports the broken one).
 */
export function parseParagraphs(text: string): ParsedParagraph[] {
  const paragraphs: ParsedParagraph[] = [];
  let current: ParsedParagraph = { fields: new Map(), line: 1 };
  let lastField: string | undefined;
  const close = (): void => {
    if (current.fields.size > 0 || current.error !== undefined) paragraphs.push(current);
  };
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') {
      close();
      current = { fields: new Map(), line: i + 2 };
      lastField = undefined;
      continue;
    }
    if (current.fields.size === 0 && current.error === undefined) current.line = i + 1;
    if (line.startsWith('#')) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastField !== undefined) {
      current.fields.set(lastField, `${current.fields.get(lastField) ?? ''}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current.error ??= `malformed control line ${i + 1}: ${JSON.stringify(line.slice(0, 60))}`;
      lastField = undefined;
      continue;
    }
    lastField = line.slice(0, colon).trim();
    current.fields.set(lastField, line.slice(colon + 1).trim());
  }
  close();
  return paragraphs;
}
