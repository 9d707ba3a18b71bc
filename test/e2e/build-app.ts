/**
 * The Express app of `__fixtures__/build-express` and the two Dockerfiles `shipshape build` is measured against:
 * a naive one (`node` image, `COPY . .`, `npm install`) and a multi-stage one (dependencies installed in a
 * `node` stage, copied onto the distroless nodejs runtime). Public bases are replaced by the local stand-ins.
 * Shared by test/e2e/build.test.ts and bench/build.ts.
 */
import { copyFile, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureStandIn, standIns } from './stand-ins.js';

export const expressFixture = resolve(import.meta.dirname, '__fixtures__/build-express');

/** The source file a warm rebuild changes. */
export const changedSource = 'lib/greeting.js';

const nodeImage = 'node:20-bookworm-slim';
const distrolessNode = 'gcr.io/distroless/nodejs20-debian12:nonroot';

// npm inside a build trusts this machine's CA bundle (TLS is intercepted here), mounted from the context
const caFile = 'npm-ca.crt';
const npm = `RUN --mount=type=bind,source=${caFile},target=/tmp/${caFile} npm --cafile=/tmp/${caFile}`;

export const naiveDockerfile = `FROM ${nodeImage}
WORKDIR /app
COPY . .
${npm} install
CMD ["node", "server.js"]
`;

export const multiStageDockerfile = `FROM ${nodeImage} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
${npm} ci --omit=dev
FROM ${distrolessNode}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json server.js ./
COPY lib ./lib
CMD ["server.js"]
`;

const dockerignore = 'node_modules\nDockerfile*\n.dockerignore\n';

/** A fresh copy of the app (without node_modules) in a temp directory. */
export async function copyExpressApp(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(expressFixture, dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
  return dir;
}

/** Rewrites the public FROM names to the stand-ins (built once per machine). */
export async function withStandIns(dockerfile: string): Promise<string> {
  let out = dockerfile;
  for (const name of [nodeImage, distrolessNode]) {
    const standIn = standIns.find((s) => s.public === name);
    if (standIn === undefined) throw new Error(`no stand-in for ${name}`);
    out = out.replaceAll(`FROM ${name}`, `FROM ${await ensureStandIn(standIn)}`);
  }
  return out;
}

/** Writes `Dockerfile` (stand-in bases) and `.dockerignore` into a copy of the app. */
export async function writeDockerfile(dir: string, dockerfile: string): Promise<void> {
  await writeFile(join(dir, 'Dockerfile'), await withStandIns(dockerfile));
  await writeFile(join(dir, '.dockerignore'), dockerignore);
  await copyFile('/etc/ssl/certs/ca-certificates.crt', join(dir, caFile));
}

/** Changes the greeting (one source file) to something no earlier build saw. */
export async function changeSource(dir: string, marker: string): Promise<void> {
  const path = join(dir, changedSource);
  const text = await readFile(path, 'utf8');
  await writeFile(path, `${text.replace(/\n\/\/ change .*$/s, '')}\n// change ${marker}\n`);
}
