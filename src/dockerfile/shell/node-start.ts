/**
 * A package.json `start` script read as the one `node` command an image runs (`init`'s Dockerfile, `build`'s
 * entrypoint): leading environment assignments (bare or through
 * `cross-env` / `env`), node's own options, the script and its arguments. Anything else (several commands, a
 * pipe, a development runner such as ts-node or tsx, `node -e`) is not a command an image without a shell or
 * dev dependencies can run: the result says what it runs instead, for a note.
 */
import type { ShellWord } from './ast.js';
import { parseShell } from './parse.js';
import { looksSecretName } from '../../internal/secret-name.js';
import { hasUrlCredentials } from '../../internal/url-credentials.js';

export interface NodeStart {
  /** `NAME=value` assignments before the command, in order. */
  env: [string, string][];
  /** node's options before the script (`--require ./tracing.js`, `--enable-source-maps`). */
  options: string[];
  /** The script node runs; undefined for `node .` (the package's main). */
  entry?: string;
  /** Arguments after the script. */
  args: string[];
}

export type StartScript = { kind: 'node'; start: NodeStart } | { kind: 'other'; runs: string };

/**
 * node's options that take their value as the next word when written without `=` (node's `--help`): without this
 * list `node --require ./tracing.js server.js` would run the preload as the app.
 */
const optionsWithValue = new Set([
  '-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--env-file-if-exists',
  '--title', '--input-type', '--inspect-port', '--debug-port', '--redirect-warnings', '--diagnostic-dir', '--report-dir', '--report-directory',
  '--report-filename', '--report-signal', '--icu-data-dir', '--openssl-config', '--tls-cipher-list', '--secure-heap', '--secure-heap-min',
  '--heapsnapshot-signal', '--disable-warning', '--watch-path', '--dns-result-order', '--unhandled-rejections', '--stack-size',
]);

/** node's options that load a module before the script. */
const preloadOptions = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);

/** The modules node's options load before the script (`--require ./tracing.js`, `-r dotenv/config`), as written. */
export function preloadsOf(options: readonly string[]): string[] {
  const out: string[] = [];
  options.forEach((option, i) => {
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? options[i + 1] : option.slice(eq + 1);
    if (preloadOptions.has(name) && value !== undefined) out.push(value);
  });
  return out;
}

/** node's options without the preloads `drop` picks, each with its value (`--import tsx`, `-r=ts-node/register`). */
export function withoutPreloads(options: readonly string[], drop: (preload: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i] ?? '';
    const eq = option.indexOf('=');
    const name = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? options[i + 1] : option.slice(eq + 1);
    if (preloadOptions.has(name) && value !== undefined && drop(value)) {
      if (eq < 0) i++;
      continue;
    }
    out.push(option);
  }
  return out;
}

/** Options after which node runs no script file. */
const noScript = new Set(['-e', '--eval', '-p', '--print', '-i', '--interactive', '-c', '--check', '-v', '--version', '-h', '--help', '--test', '--run']);

/**
 * The words of a command line (assignments first, quotes removed), read with the RUN-body shell parser; undefined
 * when it is not one simple command an exec-form CMD can hold: several commands, a pipe, a redirect, a background
 * `&`, an expansion (`$PORT`, `$(…)`) or an unquoted glob or `~`, which only a shell would resolve.
 */
function words(line: string): string[] | undefined {
  const script = parseShell(line);
  const item = script.body.items[0];
  if (script.problems.length > 0 || script.body.items.length !== 1 || item === undefined || item.separator === '&') return undefined;
  const command = item.command;
  if (command.type !== 'SimpleCommand' || command.redirects.length > 0) return undefined;
  const shellOnly = (w: ShellWord): boolean => w.expands || (!w.quoted && (/[*?[{}]/.test(w.text) || w.text.startsWith('~')));
  if (command.words.some(shellOnly) || command.assignments.some((a) => a.value !== null && shellOnly(a.value))) return undefined;
  return [...command.assignments.map((a) => `${a.name}=${a.value?.value ?? ''}`), ...command.words.map((w) => w.value)];
}

/** Reads `start` as one node command, or says what it runs. */
export function parseStartScript(start: string): StartScript {
  const list = words(start.trim());
  if (list === undefined) return { kind: 'other', runs: 'more than a single command' };
  const env: [string, string][] = [];
  let i = 0;
  for (;;) {
    const word = list[i];
    if (word === undefined) return { kind: 'other', runs: 'no command' };
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (assignment?.[1] !== undefined && assignment[2] !== undefined) {
      env.push([assignment[1], assignment[2]]);
      i++;
    } else if (word === 'cross-env' || word === 'env') {
      i++;
    } else break;
  }
  const command = list[i] ?? '';
  if (command !== 'node') return { kind: 'other', runs: command };
  const options: string[] = [];
  for (i++; i < list.length; i++) {
    const word = list[i] ?? '';
    if (word === '--') {
      i++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    const name = word.split('=')[0] ?? word;
    if (noScript.has(name)) return { kind: 'other', runs: `node ${name}` };
    options.push(word);
    if (!word.includes('=') && optionsWithValue.has(word)) {
      const value = list[i + 1];
      if (value === undefined) return { kind: 'other', runs: `node ${word} without its value` };
      options.push(value);
      i++;
    }
  }
  const script = list[i];
  if (script === undefined || script === '-') return { kind: 'other', runs: 'node without a script' };
  const entry = script.replace(/^\.\//, '');
  return { kind: 'node', start: { env, options, ...(entry === '.' || entry === '' ? {} : { entry }), args: list.slice(i + 1) } };
}

/**
 * Whether a variable, option or argument holds a secret, by its name (read as words, as lint and secrets read it) or
 * its value: such values are never written into an image (its config and layers keep them).
 */
export function looksSecret(name: string, value: string): boolean {
  return looksSecretName(name) || hasUrlCredentials(value);
}

/** What of a start command an image may carry, and what it leaves out (kind and name, never the value). */
export interface ImageStart {
  options: string[];
  args: string[];
  env: [string, string][];
  left: { kind: 'env-file' | 'variable' | 'argument'; name: string }[];
}

/**
 * A start command as an image may run it: `--env-file` left out (the file is a secret the build context excludes),
 * variables and arguments that look secret left out (`API_TOKEN=…`, `--api-key=…`, `--db postgres://u:pw@…`):
 * an image's config and layers keep whatever is written into them.
 */
export function forImage(start: NodeStart): ImageStart {
  const left: ImageStart['left'] = [];
  const options: string[] = [];
  for (let i = 0; i < start.options.length; i++) {
    const option = start.options[i] ?? '';
    const name = option.split('=')[0] ?? option;
    if (name === '--env-file' || name === '--env-file-if-exists') {
      if (!option.includes('=')) i++;
      left.push({ kind: 'env-file', name });
      continue;
    }
    options.push(option);
  }
  const env: [string, string][] = [];
  for (const [name, value] of start.env) {
    if (looksSecret(name, value)) left.push({ kind: 'variable', name });
    else env.push([name, value]);
  }
  const args: string[] = [];
  for (let i = 0; i < start.args.length; i++) {
    const arg = start.args[i] ?? '';
    const flag = /^(--?[\w.-]+)(?:=(.*))?$/s.exec(arg);
    const next = start.args[i + 1];
    if (flag?.[1] !== undefined) {
      const inline = flag[2];
      const value = inline ?? (next !== undefined && !next.startsWith('-') ? next : '');
      if (looksSecret(flag[1], value) && (inline !== undefined || value !== '')) {
        left.push({ kind: 'argument', name: flag[1] });
        if (inline === undefined) i++;
        continue;
      }
    } else if (hasUrlCredentials(arg)) {
      left.push({ kind: 'argument', name: `argument ${i + 1}` });
      continue;
    }
    args.push(arg);
  }
  return { options, args, env, left };
}
