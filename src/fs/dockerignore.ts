/**
 * `.dockerignore` patterns read and matched as Docker does: case-sensitive (moby's pattern matcher folds no case;
 * `@balena/dockerignore` does unless told not to, as its README warns), and a pattern Docker refuses (`[` left
 * open, a reversed range) is an error naming the file and line, as `docker build` stops on it too.
 */
import dockerignore, { type Ignore } from '@balena/dockerignore';
import { invalidInput } from '../internal/errors.js';

// a CommonJS module whose typings declare an ES default export: under NodeNext that lands on `.default`
const ignore = dockerignore.default;

/** A matcher for `patterns`, with Docker's case-sensitive matching. */
export function dockerignoreMatcher(patterns: readonly string[]): Ignore {
  return ignore({ ignorecase: false }).add([...patterns]);
}

/** The patterns of a `.dockerignore` text (comments and blank lines dropped); `file` names it in an error. */
export function readPatterns(text: string, file: string): string[] {
  const patterns: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const pattern = raw.trim();
    if (pattern === '' || pattern.startsWith('#')) return;
    try {
      // the matcher compiles a pattern on its first match
      dockerignoreMatcher([pattern]).ignores('x');
    } catch (error) {
      throw invalidInput(`${file}:${i + 1}`, `pattern ${pattern} is not valid (${error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : String(error)})`, error);
    }
    patterns.push(pattern);
  });
  return patterns;
}
