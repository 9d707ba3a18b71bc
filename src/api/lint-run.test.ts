/**
 * Several Dockerfiles in one `lint()` run (as `shipshape lint a/Dockerfile b/Dockerfile` does) get, file by file,
 * exactly the findings and fixes each gets when linted alone. The engine sets rules with `meta.setup: 'run'` up once
 * per run: one that read a file's values in `create()` would apply the first file's values to the rest. Real
 * Dockerfiles from the shared corpora, read at test time; skipped, with a message, where the corpora are absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporaDir } from '../dockerfile/corpus.js';
import { allRules } from '../lint/rules/index.js';
import { lint, type LintRequest } from './lint.js';

const corpora = corporaDir();
const missing = corpora === null ? 'shared corpora not found at ../shared/corpora (skipping the one-run lint test)' : null;
if (missing) console.warn(missing);

/**
 * Varied files: between them they reach every rule the corpora trigger (multi-stage builds with heredocs and cache
 * mounts, ONBUILD triggers, a template placeholder base `%%…%%`, …), and one written here reaches most rules set up
 * once per run that the corpora never trigger. Each gets its own project folder, build context and pragmas.
 */
interface Project {
  /** A file of the corpora's `dockerfiles/` folder, or the text itself. */
  corpusFile?: string;
  text?: string;
  /** More files of its build context. */
  context: Record<string, string>;
  /** Rewrites the corpus text: adds pragmas. */
  edit?: (text: string) => string;
}

const sink = [
  'ENV EARLY=1',
  'ARG TAG',
  'from --platform=linux/amd64 debian:${TAG} as Builder',
  'MAINTAINER someone@example.com',
  'WORKDIR usr/src',
  'RUN cd /tmp && apt update && apt-get install curl && sudo apt-get dist-upgrade && service nginx start',
  'RUN yum install git && useradd -u 123456789 app && ln -sf /bin/bash /bin/sh',
  'RUN apt-get update && \\',
  '',
  '    apt-get install -y curl',
  'ADD https://example.com/a.tar.gz /tmp/',
  'ADD app.tgz /opt',
  'ADD notes.txt /opt/',
  'COPY a b c',
  'COPY . .',
  'EXPOSE 22 99999',
  'ONBUILD ONBUILD RUN true',
  'CMD ["a"]',
  'CMD ["b"]',
  'FROM alpine:3.19 AS scratch',
  'COPY --from=Builder /x /y',
  'RUN apk add curl && dnf install -y git',
  'LABEL "bad key!"=x',
  'WORKDIR /proc',
  '',
].join('\n');

const projects: Project[] = [
  { corpusFile: 'binnacle-gold/1ef536c220375eba0b89b38c51b7424dd2506dee.Dockerfile', context: { '.dockerignore': '.git\n' } },
  {
    corpusFile: 'awesome-compose/vuejs_vuejs_Dockerfile.Dockerfile',
    context: { '.env': 'TOKEN=x\n', 'package.json': '{}\n' },
    edit: (text) => `${text}\n# shipshape global ignore=pin-base-image\n`,
  },
  { corpusFile: 'awesome-compose/wasmedge-kafka-mysql_etl_Dockerfile.Dockerfile', context: { '.dockerignore': '.env\ntarget\n', 'Cargo.toml': '' } },
  {
    corpusFile: 'binnacle-gold/5ee4ebe99baccc7ac504582d3ac820038862f479.Dockerfile',
    context: {},
    edit: (text) => text.replace(/^RUN /m, '# hadolint ignore=DL3008,DL3009,DL3015\nRUN '),
  },
  { corpusFile: 'awesome-compose/nginx-nodejs-redis_web_Dockerfile.Dockerfile', context: { '.dockerignore': '*\n' } },
  { corpusFile: 'awesome-compose/spring-postgres_backend_Dockerfile.Dockerfile', context: { 'pom.xml': '<project/>\n' } },
  { corpusFile: 'binnacle-gold/bf89d91801e1c1cfa28783cd85363de47a103441.Dockerfile', context: { 'docker-entrypoint.sh': '#!/bin/sh\n' } },
  { corpusFile: 'binnacle-gold/486c95e2e24a4cdccecf405cf316cd643824650e.Dockerfile', context: { '.dockerignore': 'Dockerfile\n' } },
  { text: sink, context: { 'app.tgz': '', 'notes.txt': '', '.env': 'A=1\n', '.git/HEAD': 'x' } },
];

let root = '';
const paths: string[] = [];

beforeAll(async () => {
  if (!corpora) return;
  root = await mkdtemp(join(tmpdir(), 'shipshape-lint-run-'));
  for (const [n, p] of projects.entries()) {
    const source = p.corpusFile === undefined ? null : join(corpora, 'dockerfiles', p.corpusFile);
    if (source && !existsSync(source)) throw new Error(`corpus file ${p.corpusFile ?? ''} is missing from ${corpora}`);
    const text = source ? readFileSync(source, 'utf8') : (p.text ?? '');
    const dir = join(root, `p${n}`);
    await mkdir(dir);
    await writeFile(join(dir, 'Dockerfile'), p.edit ? p.edit(text) : text);
    for (const [name, content] of Object.entries(p.context)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    paths.push(`p${n}/Dockerfile`);
  }
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Each file's findings and fix diff, from one run over `files`; a fresh rule list gives a run of its own. */
async function perFile(files: readonly string[], request: Partial<LintRequest>): Promise<Map<string, unknown>> {
  const report = await lint({ ...request, paths: files, cwd: root, shellcheck: false, rules: [...allRules] });
  return new Map(report.files.map((f) => [f.file, JSON.parse(JSON.stringify({ findings: f.findings, ruleFailures: f.ruleFailures, diff: f.diff ?? null })) as unknown]));
}

describe.skipIf(missing !== null)('several files in one lint run', () => {
  it.each([
    ['findings', {}],
    ['fixes (--fix=all --fix-dry-run)', { fix: 'all', dryRun: true }],
  ] satisfies [string, Partial<LintRequest>][])('%s equal those of each file linted alone, in either order', async (_name, request) => {
    const alone = new Map<string, unknown>();
    for (const p of paths) for (const [file, result] of await perFile([p], request)) alone.set(file, result);
    // the files are varied enough that a value carried from one file to the next would show
    expect(new Set([...alone.values()].map((r) => JSON.stringify(r))).size).toBe(paths.length);
    const forward = await perFile(paths, request);
    const backward = await perFile([...paths].reverse(), request);
    for (const p of paths) {
      expect(forward.get(p), p).toEqual(alone.get(p));
      expect(backward.get(p), p).toEqual(alone.get(p));
    }
  });

  it('the files reach every rule set up once per run', async () => {
    const seen = new Set<string>();
    for (const result of (await perFile(paths, {})).values()) for (const f of (result as { findings: { ruleId: string }[] }).findings) seen.add(f.ruleId);
    const once = allRules.filter((r) => r.meta.setup === 'run').map((r) => r.meta.id);
    expect(once.length).toBeGreaterThan(0);
    expect(once.filter((id) => !seen.has(id))).toEqual([]);
  });
});
