/**
 * A project's own `.dockerignore` merged with the one shipshape recommends: the user's lines stay as they are, in
 * their order, and the recommended patterns it lacks are appended under a comment — except a pattern that would
 * exclude something the Dockerfile copies by name (a COPY/ADD source no longer sent), and a pattern that would
 * send again what the user's file excludes (a `!` exception such as `!README.md` after the user's `*.md`). Both are
 * judged on the files the context holds now, with Docker's matching rules (last matching pattern wins).
 */
import { join, resolve } from 'node:path';
import { maxDockerfileBytes } from '../dockerfile/index.js';
import { readBoundedText } from '../internal/files.js';
import { copyChecks, type FileRecord, walkContext } from './context.js';
import { dockerignoreMatcher, readPatterns } from '../fs/dockerignore.js';

export interface MergeIgnoreOptions {
  /** The context directory (its files decide what a pattern would exclude). */
  dir: string;
  /** The Dockerfile whose COPY/ADD sources must stay sent. */
  dockerfile: string;
  /** The project's `.dockerignore` text. */
  existing: string;
  /** The recommended `.dockerignore` text (comment lines before a group of patterns title it). */
  recommended: string;
  /** Stop walking after this many entries. */
  maxEntries?: number;
}

export interface MergedIgnore {
  /** The merged text: `existing`, then the added patterns under a comment; `existing` itself when nothing is added. */
  text: string;
  added: string[];
  /** Recommended patterns left out, each with why. */
  skipped: string[];
}

/** Whether `pattern` (without its `!`) matches `path` or one of its parent directories, as Docker matches. */
function matches(pattern: string, path: string): boolean {
  return dockerignoreMatcher([pattern.replace(/^!/, '')]).ignores(path);
}

/** Merges `recommended` into `existing`; see the module comment. */
export async function mergeDockerignore(options: MergeIgnoreOptions): Promise<MergedIgnore> {
  const dir = resolve(options.dir);
  // bounded and never blocking, as context reads it: a FIFO in place of the Dockerfile is refused, not waited on
  const dockerfileText = await readBoundedText(options.dockerfile, maxDockerfileBytes, 'a Dockerfile');
  const userPatterns = readPatterns(options.existing, join(dir, '.dockerignore'));
  const userMatcher = dockerignoreMatcher(userPatterns);
  const walked = await walkContext(dir, options.maxEntries ?? 1_000_000, (path) => !userMatcher.ignores(path));
  const files = walked.records;
  const userExcluded = files.map((f) => !f.sent);
  const known = (breaks: ReturnType<typeof copyChecks>): Set<string> => new Set(breaks.map((b) => `${String(b.line)} ${b.source}`));
  // a pattern that leaves a wildcard COPY without a match empties it: refused, though BuildKit would build
  const brokenByUser = known(copyChecks(dockerfileText, files, walked.dirs, { emptyWildcard: 'refused' }));

  const present = new Set(userPatterns);
  let excluded = [...userExcluded];
  const added: string[] = [];
  const skipped: string[] = [];
  const lines: string[] = [];
  let title: string | undefined;
  let titleShown: string | undefined;
  for (const raw of options.recommended.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      title = line;
      continue;
    }
    if (present.has(line)) continue;
    const negated = line.startsWith('!');
    // last matching pattern wins: appending `line` changes only the files it matches
    const next = files.map((f, i) => (matches(line, f.path) ? !negated : (excluded[i] ?? false)));
    const reincluded = files.filter((_, i) => userExcluded[i] === true && next[i] === false).map((f) => f.path);
    if (reincluded.length > 0) {
      skipped.push(`${line} (would send ${reincluded.slice(0, 3).join(', ')}, which your .dockerignore excludes)`);
      continue;
    }
    const records: FileRecord[] = files.map((f, i) => ({ ...f, sent: next[i] !== true }));
    const breaks = copyChecks(dockerfileText, records, walked.dirs, { emptyWildcard: 'refused' }).filter((b) => b.problem === 'excluded' && !brokenByUser.has(`${String(b.line)} ${b.source}`));
    if (breaks.length > 0) {
      skipped.push(`${line} (would exclude ${breaks.map((b) => `COPY ${b.source}, line ${String(b.line)}`).join('; ')})`);
      continue;
    }
    excluded = next;
    present.add(line);
    added.push(line);
    if (title !== undefined && title !== titleShown) {
      lines.push('', title);
      titleShown = title;
    }
    lines.push(line);
  }
  if (added.length === 0) return { text: options.existing, added, skipped };
  const base = options.existing === '' || options.existing.endsWith('\n') ? options.existing : `${options.existing}\n`;
  const header = ['', '# Added by shipshape check: recommended patterns this file lacked (your lines above are unchanged).', '# None excludes a file the Dockerfile copies by name; check the result with `shipshape context`.'];
  return { text: `${base}${header.join('\n')}\n${lines.join('\n')}\n`, added, skipped };
}
