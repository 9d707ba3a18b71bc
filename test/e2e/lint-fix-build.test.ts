/**
 * The proof of `shipshape lint --fix=all`: a defined set of fixture Dockerfiles (one or more per fix, with tiny
 * apps) is built as written and as fixed by the real engine (`DOCKER_BUILDKIT=1 docker build --network host`),
 * both images run (`--network none`), and the fixed one must print the same, be no larger, and run as non-root
 * where the non-root fix applied.
 *
 * The fixtures name public bases; lint sees those names (its fixes depend on them), and the FROM lines are then
 * rewritten to the local stand-ins (./stand-ins.ts) for the build, since no public registry is reachable.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, fixtures as fixtureImages, missing, registryHost, run, runCli } from './env.js';
import { buildEnv, ensureStandIn, freePort, standIns } from './stand-ins.js';

const skip = missing('docker', 'cli');
const skipPin = missing('registry', 'skopeo');
const fixtures = resolve(import.meta.dirname, '__fixtures__/lint-fix');

interface Case {
  name: string;
  /** Rule ids whose fixes must be applied. */
  applied: string[];
  /** What the container prints. */
  output: string;
  /** The fixed image must run as non-root; the command prints the uid (run as the image's user). */
  uid?: string[];
  /** Text the fixed Dockerfile must contain. */
  contains?: string[];
  /** Extra `docker build` arguments for the original and the fixed Dockerfile (a build arg becomes a secret). */
  buildArgs?: { original: string[]; fixed: string[] };
  /** A value the original image keeps in its history and the fixed one must not. */
  leaks?: string;
  /** Ask the registry for digests (only the pin case: the public bases are not reachable here). */
  pin?: boolean;
  /** The fixed Dockerfile must lint without an error or warning. */
  clean?: boolean;
  /** Paths the original image has and the fixed one must not (what a split leaves in the builder). */
  dropped?: string[];
}

const shellUid = ['id', '-u'];
const token = `tok-${randomUUID()}`;
const tokenFile = join(tmpdir(), `shipshape-lint-fix-token-${randomUUID()}`);
const cases: Case[] = [
  { name: 'npm-install', applied: ['npm-ci', 'npm-omit-dev', 'copy-source-before-install', 'no-root-user'], output: 'hello from lint-fix-npm-install', uid: shellUid, contains: ['COPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .'] },
  { name: 'node-distroless', applied: ['no-root-user'], output: 'hello from lint-fix-node-distroless', uid: ['/nodejs/bin/node', '-e', 'console.log(process.getuid())'], contains: ['USER nonroot'] },
  { name: 'apt-install', applied: ['apt-no-install-recommends', 'apt-lists-not-removed', 'no-root-user'], output: 'Hello, world!', uid: shellUid, contains: ['--no-install-recommends', 'rm -rf /var/lib/apt/lists/*'] },
  // the lone update joins the install (the lists are not removed where the install still needs them)
  {
    name: 'apt-update-alone',
    applied: ['apt-get-update-alone', 'apt-no-install-recommends', 'apt-lists-not-removed', 'no-root-user'],
    output: 'Hello, world!',
    uid: shellUid,
    // the user is made in the RUN before CMD, not in a RUN of its own (which would draw consecutive-run)
    contains: ['RUN apt-get update && apt-get install --no-install-recommends -y hello \\\n    && groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app \\\n    && rm -rf /var/lib/apt/lists/*\nUSER app\n'],
  },
  // a program on scratch runs as uid 0 until a numeric USER says otherwise (no /etc/passwd there)
  { name: 'scratch-program', applied: ['no-root-user'], output: 'hello from scratch', uid: ['/busybox', 'id', '-u'], contains: ['USER 65532:65532\nENTRYPOINT'] },
  { name: 'pip-install', applied: ['pip-no-cache-dir', 'no-root-user'], output: 'hello from python 3', uid: shellUid, contains: ['pip install --no-cache-dir'] },
  {
    name: 'secret-arg',
    applied: ['use-secret-mount', 'secrets-in-env-arg'],
    output: `token of ${token.length} characters`,
    uid: shellUid,
    contains: ['RUN --mount=type=secret,id=api-token API_TOKEN="$(cat /run/secrets/api-token)" && export API_TOKEN && test -n'],
    buildArgs: { original: ['--build-arg', `API_TOKEN=${token}`], fixed: ['--secret', `id=api-token,src=${tokenFile}`] },
    leaks: token,
    // the fix's own shell passes shellcheck: no `export X="$(cat …)"`, which hides a missing secret (SC2155)
    clean: true,
  },
  {
    name: 'go-build',
    applied: ['no-multi-stage'],
    output: 'hello from go',
    uid: ['/usr/local/bin/hello', 'uid'],
    contains: ['FROM golang:1.19-bookworm AS build', 'FROM gcr.io/distroless/static-debian12:nonroot\nWORKDIR /src\nCOPY --from=build /usr/local/bin/hello /usr/local/bin/hello'],
  },
  {
    // a TypeScript build: typescript (a devDependency) stays in the builder, the slim runtime gets the pruned app
    name: 'node-build',
    applied: ['no-multi-stage', 'no-root-user'],
    output: 'hello from lint-fix-node-build',
    uid: shellUid,
    contains: ['FROM node:20 AS build', 'RUN npm prune --omit=dev\n\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app /app'],
  },
  {
    // a venv the Dockerfile makes on the full python image, a vendored wheel installed into it: the builder keeps
    // them, the slim runtime gets the venv (its python a link to the same /usr/bin/python3) and the app directory
    name: 'pip-venv',
    applied: ['no-multi-stage', 'pip-no-cache-dir', 'no-root-user'],
    output: 'hello from greeting 1.0 in /opt/venv',
    uid: shellUid,
    contains: ['FROM python:3.11-bookworm AS build', 'FROM python:3.11-slim-bookworm\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /opt/venv /opt/venv\nWORKDIR /app\nCOPY --from=build /app /app\nCOPY main.py .'],
    clean: true,
    dropped: ['/usr/bin/gcc', '/usr/include/python3.11/Python.h'],
  },
  { name: 'legacy-style', applied: ['maintainer-deprecated', 'legacy-key-value', 'prefer-copy', 'instruction-casing'], output: 'hello from the legacy style', contains: ['LABEL org.opencontainers.image.authors=', 'COPY greet.sh'] },
];

/** Public base → stand-in image; untagged distroless names map to their `:nonroot` stand-in too. */
const bases = new Map<string, string>();

function toStandIns(dockerfile: string): string {
  return dockerfile.replace(/^(\s*FROM\s+(?:--\S+\s+)*)(\S+)/gim, (line, head: string, image: string) => {
    const standIn = bases.get(image) ?? bases.get(image.replace(/@sha256:[0-9a-f]{64}$/, ''));
    return standIn === undefined ? line : head + standIn;
  });
}

interface Inspect {
  Size: number;
  Config: { User: string };
}

function build(dir: string, tag: string, extra: string[] = []): void {
  const r = spawnSync(dockerCli, ['build', '--network', 'host', '--progress=plain', ...extra, '-t', tag, dir], { env: { ...process.env, ...buildEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker build ${dir} failed:\n${r.stderr.slice(-4000)}`);
}

const manifestCopy = /^COPY (\S*(package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|requirements[^ ]*\.txt|go\.(mod|sum)|pyproject\.toml|poetry\.lock)\s+)+\S+/;
/**
 * A layer that does nothing but create a user account. The fix folds the account into a RUN right before the USER
 * when there is one (a RUN of its own would draw consecutive-run): such a layer's bytes are not told apart and count
 * as none by design, which only makes the size check stricter.
 */
const userAccount = /\/bin\/sh -c (groupadd|addgroup) [^&|;]*&& (useradd|adduser) [^&|;]*$/;

/**
 * Bytes the fixes add by design, measured from the image histories: layers of the fixed image the original
 * lacks that create a user account (passwd, group, shadow and backups) or copy dependency manifests ahead of
 * the source (those files are then stored twice, the price of a cached install layer).
 */
async function byDesignBytes(original: string, fixed: string): Promise<{ user: number; manifests: number }> {
  const history = async (tag: string): Promise<{ size: number; createdBy: string }[]> =>
    (await run(dockerCli, ['history', '--human=false', '--no-trunc', '--format', '{{.Size}}\t{{.CreatedBy}}', tag]))
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => ({ size: Number(l.slice(0, l.indexOf('\t'))), createdBy: l.slice(l.indexOf('\t') + 1) }));
  const before = new Set((await history(original)).map((h) => h.createdBy));
  const added = (await history(fixed)).filter((h) => !before.has(h.createdBy));
  const sum = (re: RegExp): number => added.filter((h) => re.test(h.createdBy)).reduce((n, h) => n + h.size, 0);
  return { user: sum(userAccount), manifests: sum(manifestCopy) };
}

describe.skipIf(skip)('lint --fix=all: original and fixed Dockerfiles build, run alike, and the fixed image is no larger', () => {
  const work: string[] = [];
  const images: string[] = [];
  const sizes: Record<string, [number, number, number]> = {};

  beforeAll(async () => {
    await writeFile(tokenFile, token, { mode: 0o600 });
    work.push(tokenFile);
    for (const s of standIns) {
      const name = await ensureStandIn(s);
      for (const publicName of [s.public, ...(s.aliases ?? [])]) bases.set(publicName, name);
      if (s.public.endsWith(':nonroot')) bases.set(s.public.slice(0, -':nonroot'.length), name);
    }
  }, 600_000);

  afterAll(async () => {
    for (const image of images) spawnSync(dockerCli, ['rmi', '-f', image], { stdio: 'ignore' });
    for (const dir of work) await rm(dir, { recursive: true, force: true });
    if (Object.keys(sizes).length > 0) console.info(`image sizes, original → fixed, bytes added by design (bytes): ${JSON.stringify(sizes)}`);
  });

  /** Lints `name`'s fixture with --fix=all, builds original and fixed, runs both and compares. */
  async function prove({ name, applied, output, uid, contains, buildArgs, leaks, pin, clean, dropped }: Case, edit: (dockerfile: string) => string = (d) => d): Promise<string> {
    const original = await mkdtemp(join(tmpdir(), `shipshape-lint-fix-${name}-`));
    const fixed = await mkdtemp(join(tmpdir(), `shipshape-lint-fix-${name}-fixed-`));
    work.push(original, fixed);
    await cp(join(fixtures, name), original, { recursive: true });
    await cp(join(fixtures, name), fixed, { recursive: true });
    for (const dir of [original, fixed]) await writeFile(join(dir, 'Dockerfile'), edit(await readFile(join(dir, 'Dockerfile'), 'utf8')));

    const lint = await runCli(['lint', '--fix=all', '--no-shellcheck', ...(pin === true ? [] : ['--no-pin']), '--format', 'json', join(fixed, 'Dockerfile')]);
    expect([0, 1], lint.stderr).toContain(lint.code);
    const report = JSON.parse(lint.stdout) as { files: { fixed: { ruleId: string }[] }[] };
    const ids = new Set(report.files.flatMap((f) => f.fixed.map((a) => a.ruleId)));
    for (const id of applied) expect([...ids], `fix of ${id} applied`).toContain(id);
    const text = await readFile(join(fixed, 'Dockerfile'), 'utf8');
    for (const c of contains ?? []) expect(text).toContain(c);
    // fixing again changes nothing (idempotent)
    const again = await runCli(['lint', '--fix=all', '--fix-dry-run', '--no-shellcheck', ...(pin === true ? [] : ['--no-pin']), '--format', 'json', join(fixed, 'Dockerfile')]);
    const fixedReport = JSON.parse(again.stdout) as { files: { diff?: string; findings: { ruleId: string; severity: string }[] }[] };
    expect(fixedReport.files[0]?.diff).toBeUndefined();
    if (clean === true) expect(fixedReport.files[0]?.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);

    for (const dir of [original, fixed]) await writeFile(join(dir, 'Dockerfile'), toStandIns(await readFile(join(dir, 'Dockerfile'), 'utf8')));
    const stamp = Date.now();
    const tags = [`shipshape-e2e/lint-fix-${name}:original-${stamp}`, `shipshape-e2e/lint-fix-${name}:fixed-${stamp}`] as const;
    images.push(...tags);
    build(original, tags[0], buildArgs?.original);
    build(fixed, tags[1], buildArgs?.fixed);

    const outputs = await Promise.all(tags.map((t) => run(dockerCli, ['run', '--rm', '--network', 'none', t])));
    expect(outputs[0]?.trim()).toBe(output);
    expect(outputs[1]?.trim()).toBe(output);

    const [before, after] = await Promise.all(tags.map(async (t) => (JSON.parse(await run(dockerCli, ['image', 'inspect', t])) as [Inspect])[0]));
    if (!before || !after) throw new Error('image inspect returned nothing');
    // no larger, but for the few bytes a new user account and manifests copied ahead of the source take
    const allowed = await byDesignBytes(tags[0], tags[1]);
    expect(allowed.user).toBeLessThan(16 * 1024);
    expect(allowed.manifests).toBeLessThan(64 * 1024);
    sizes[name] = [before.Size, after.Size, allowed.user + allowed.manifests];
    expect(after.Size).toBeLessThanOrEqual(before.Size + allowed.user + allowed.manifests);

    if (uid) {
      expect(after.Config.User).not.toMatch(/^(|root|0)(:.*)?$/);
      const [command, ...args] = uid;
      const printed = await run(dockerCli, ['run', '--rm', '--network', 'none', '--entrypoint', command ?? 'id', tags[1], ...args]);
      expect(Number(printed.trim())).toBeGreaterThan(0);
    }
    if (dropped) {
      // one container per image lists which of the paths exist
      const existing = async (tag: string): Promise<string[]> =>
        (await run(dockerCli, ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', tag, '-c', 'for p; do test -e "$p" && echo "$p"; done; true', 'sh', ...dropped])).split('\n').filter(Boolean);
      expect(await existing(tags[0])).toEqual(dropped);
      expect(await existing(tags[1])).toEqual([]);
    }
    if (leaks !== undefined) {
      const seen = async (tag: string): Promise<string> => (await run(dockerCli, ['history', '--no-trunc', tag])) + (await run(dockerCli, ['image', 'inspect', tag]));
      expect(await seen(tags[0])).toContain(leaks);
      expect(await seen(tags[1])).not.toContain(leaks);
    }
    return text;
  }

  it.each(cases)('$name', async (c) => {
    await prove(c);
  });

  it.skipIf(skipPin !== undefined)('pin-digest: the base is pinned to the digest the loopback registry serves (skopeo agrees), tag kept; an unreachable registry leaves it unpinned', async () => {
    const remote = `${registryHost}/shipshape-e2e/lint-fix-busybox:1.36`;
    const copy = await runCli(['copy', `docker-daemon:${fixtureImages.busybox}`, `docker://${remote}`]);
    expect(copy.code, copy.stderr).toBe(0);
    const digest = (JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${remote}`])) as { Digest: string }).Digest;
    const text = await prove(
      { name: 'pin-digest', pin: true, applied: ['pin-base-image'], output: 'hello from shipshape\npinned to a digest', uid: ['/bin/busybox', 'id', '-u'] },
      (d) => d.replaceAll('127.0.0.1:5000', registryHost),
    );
    expect(text).toContain(`FROM ${remote}@${digest}\n`);

    // nothing answers on this port: no pin, a warning, exit as for the findings alone
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-lint-fix-unpinned-'));
    work.push(dir);
    const unreachable = `127.0.0.1:${await freePort()}/shipshape-e2e/nothing:1.0`;
    await writeFile(join(dir, 'Dockerfile'), `FROM ${unreachable}\nUSER 65534\nHEALTHCHECK NONE\nCMD ["true"]\n`);
    const r = await runCli(['lint', '--fix=all', '--no-shellcheck', join(dir, 'Dockerfile')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${unreachable.replaceAll('.', '\\.')} left unpinned: .*`));
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toContain(`FROM ${unreachable}\n`);
  });
});
