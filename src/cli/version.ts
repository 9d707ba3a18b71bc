import { readFileSync } from 'node:fs';

/** shipshape's own version, from package.json (one level above dist/ and src/). */
export const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
