/**
 * What the end-to-end tests run against: the built CLI, a real Docker engine and a real loopback registry,
 * as `scripts/testenv.sh up` starts them. A missing resource skips its tests with a visible reason
 * (counted as skipped), never silently.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const cliPath = resolve(repoRoot, 'dist/cli/main.js');

/** Debian's docker client (20.10) has BuildKit built in; a newer one in /usr/local/bin may lack buildx. */
export const dockerCli = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
/** The plain loopback registry (TESTENV.md); `SHIPSHAPE_TEST_REGISTRY` overrides. */
export const registryHost = process.env.SHIPSHAPE_TEST_REGISTRY ?? '127.0.0.1:5000';
/** The htpasswd-protected loopback registry and its credentials. */
export const authRegistryHost = process.env.SHIPSHAPE_TEST_AUTH_REGISTRY ?? '127.0.0.1:5001';
export const authRegistryUser = 'shipshape';
export const authRegistryPassword = 'test-password-0';

function probe(command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 15_000 });
  return r.status === 0;
}

/** Fixture images `scripts/testenv.sh up` builds from test/fixtures/images/NAME (docs/testing.md). */
export const fixtures = {
  /** busybox-static, an app layer and a whiteout layer; its default command prints a greeting. */
  busybox: 'shipshape-fixture/busybox:latest',
};

const dockerAnswers = probe(dockerCli, ['version']);

/** The Podman API service `scripts/testenv.sh up` starts (rootful, vfs storage): Docker's Engine API, compatible. */
export const podmanSocket = process.env.SHIPSHAPE_TEST_PODMAN_SOCK ?? '/tmp/podman-shipshape.sock';
/** The podman CLI, on the same storage as the service. */
export const podmanArgs = ['--storage-driver', 'vfs'];

export const has = {
  docker: dockerAnswers,
  skopeo: probe('skopeo', ['--version']),
  umoci: probe('umoci', ['--version']),
  shellcheck: probe('shellcheck', ['--version']),
  /** util-linux's `script`: runs a command on a pseudo-terminal. */
  script: probe('script', ['--version']),
  registry: probe('curl', ['-sf', '-o', '/dev/null', `http://${registryHost}/v2/`]),
  cli: existsSync(cliPath),
  /** Node's corepack, which fetches pnpm and yarn from the npm registry. */
  corepack: probe('corepack', ['--version']),
  podman: probe('curl', ['-sf', '-o', '/dev/null', '--unix-socket', podmanSocket, 'http://podman/_ping']) && probe('podman', ['--version']),
  fixtures: dockerAnswers && Object.values(fixtures).every((image) => probe(dockerCli, ['image', 'inspect', image])),
};

/** The reason a suite cannot run, or undefined when everything it needs is here; logs the reason once. */
export function missing(...needs: (keyof typeof has)[]): string | undefined {
  const absent = needs.filter((n) => !has[n]);
  if (absent.length === 0) return undefined;
  const why = `needs ${absent.join(', ')} (run: bash scripts/testenv.sh up${absent.includes('cli') ? ' && npm run build' : ''})`;
  console.warn(`SKIPPED: ${why}`);
  return why;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const execFileAsync = promisify(execFile);

/** Runs the built CLI; never throws on a non-zero exit. */
export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  try {
    const pending = execFileAsync(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      maxBuffer: 256 * 1024 * 1024,
    });
    // stdin gets `input`, then EOF (a verb reading stdin must not wait forever)
    pending.child.stdin?.end(options.input ?? '');
    const { stdout, stderr } = await pending;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs any command; throws with its stderr when it fails. */
export async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}
