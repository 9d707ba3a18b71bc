import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretLintProfiler } from '@secretlint/profiler';
import { describe, expect, it } from 'vitest';
import { scanImage } from '../fs/index.js';
import { ShipshapeError } from '../internal/errors.js';
import { buildImage } from '../testing/images.js';
import { findSecrets, redact } from './rules.js';
import { scanDirectorySecrets, scanImageSecrets } from './scan.js';

// Test tokens: shaped like real ones, never valid anywhere.
const githubToken = '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';
const npmToken = 'npm_1234567890abcdefghijABCDEFGHIJ123456';
const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAuGbXWiK3dQTyCbX5xdE4yCuYp0AF2d15Qq1JSXT/lx8BgTQy\n-----END RSA PRIVATE KEY-----\n';

describe('findSecrets', () => {
  it('finds tokens through secretlint and keys, URL passwords and .env secrets through its own rules', async () => {
    const text = `GITHUB_TOKEN=${githubToken}\n//registry.npmjs.org/:_authToken=${npmToken}\nDATABASE_URL=postgres://app:s3cr3t-Pa55w0rd@db:5432/app\n${pem}`;
    const hits = await findSecrets('/app/config.txt', text);
    expect(hits.map((h) => `${h.line}:${h.rule}`)).toEqual(['1:github', '2:npm', '3:database-connection-string', '4:private-key']);
    expect((await findSecrets('/app/x.sh', 'curl https://deploy:Zq8sK2mP9vX4@example.invalid/hook\n')).map((h) => [h.rule, h.value])).toEqual([['url-credentials', 'Zq8sK2mP9vX4']]);
  });

  it('reads URL credentials as lint, init and analyze do (url-credentials.ts): an empty user, an @ in the password', async () => {
    const urls = async (text: string): Promise<string[][]> => (await findSecrets('/app/x.conf', text)).filter((h) => h.rule === 'url-credentials').map((h) => [h.value, h.message, text.slice(h.start, h.end)]);
    expect(await urls('cache: redis://:Zq8sK2mP9vX4@cache:6379/0\n')).toEqual([['Zq8sK2mP9vX4', 'password in a redis URL', 'Zq8sK2mP9vX4']]);
    expect(await urls('url: https://deploy:Zq8s@K2mP9vX4@example.invalid/hook\n')).toEqual([['Zq8s@K2mP9vX4', 'password in a https URL', 'Zq8s@K2mP9vX4']]);
    // placeholders of either kind, a user alone, a colon in the query: none is a password
    expect(await urls('a: https://deploy:${TOKEN}@h/\nb: https://deploy:changeme@h/\nc: ssh://git@github.com/x\nd: https://h/?contact=a:b@c\n')).toEqual([]);
  });

  it('knows .env files and high-entropy assignments, and ignores placeholders', async () => {
    expect((await findSecrets('/app/.env', 'DB_PASSWORD=hunter2hunter2\nNAME=web\n')).map((h) => h.rule)).toEqual(['env-file-secret']);
    expect((await findSecrets('/app/settings.py', 'SECRET_KEY = "k8Jd92nVx0qLzP3mR7tYw1bE5uH6gC4s"\n')).map((h) => h.rule)).toEqual(['high-entropy-assignment']);
    expect(await findSecrets('/app/settings.py', 'API_KEY=${API_KEY}\nPASSWORD=changeme\nTOKEN=<your token>\n')).toEqual([]);
    expect(await findSecrets('/app/.env.example', 'DB_PASSWORD=xxxxxxxx\n')).toEqual([]);
    // AWS's documented example credentials, as SDK docs and READMEs in images carry them
    expect(await findSecrets('/usr/share/doc/awscli/README.md', 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n')).toEqual([]);
    expect(await findSecrets('/app/.env', 'API_TOKEN=my-example-token-4f9a\n')).toEqual([]);
    expect(await findSecrets('env', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'config')).toEqual([]);
    // names are read as words: a key or an abbreviated password is a secret; a secret word inside another, a secret
    // file's path or a token's URL is not
    const env = 'SESSION_KEY=a8Kd02nVm1\nDB_PWD=hunter2hunter2\nAUTHOR=someone@example.com\nTOKENIZER=bert-base-uncased\nDB_PASSWORD_FILE=/run/secrets/db\nTOKEN_URL=https://auth.example.com/oauth/token\n';
    expect((await findSecrets('/app/.env', env)).map((h) => `${h.line}:${h.rule}`)).toEqual(['1:env-file-secret', '2:env-file-secret']);
  });

  it('redacts all but a short prefix', () => {
    expect(redact(githubToken)).toBe('ghp_…[40 chars redacted]');
    expect(redact('short')).toBe('[5 chars redacted]');
  });
});

describe('scanImageSecrets', () => {
  it('finds secrets in every layer, marks the ones a later layer deleted, and checks ENV and history', async () => {
    const image = await buildImage({
      layers: [
        { files: [{ path: 'root/.ssh/id_rsa', content: pem, mode: 0o600 }], createdBy: 'COPY id_rsa /root/.ssh/' },
        { files: [{ path: 'root/.ssh/id_rsa', type: 'whiteout' }], createdBy: 'RUN rm /root/.ssh/id_rsa' },
        { files: [{ path: 'app/.npmrc', content: `//registry.npmjs.org/:_authToken=${npmToken}\n` }], createdBy: 'COPY . /app' },
      ],
      config: { Env: ['PATH=/usr/bin', `GH_TOKEN=${githubToken}`] },
    });
    const findings = await scanImageSecrets(image);
    const summary = findings.map((f) => (f.location.kind === 'layer' ? `layer ${f.location.layer} ${f.location.path}:${f.location.line} ${f.rule} deleted=${f.location.deletedLater}` : `${f.location.kind === 'config' ? f.location.field : ''} ${f.rule}`));
    expect(summary).toEqual(['layer 0 /root/.ssh/id_rsa:1 private-key deleted=true', 'layer 2 /app/.npmrc:1 npm deleted=false', 'config.Env[1] github']);
    const output = JSON.stringify(findings);
    expect(output).not.toContain(githubToken);
    expect(output).not.toContain(npmToken);
    expect(findings[2]?.fix).toContain('secret mount');
  });
});

describe('installed packages', () => {
  it('their tests and examples are not scanned; their other files and the application’s own tests are', async () => {
    const image = await buildImage({
      layers: [
        [
          { path: 'app/node_modules/ssh2/test/fixtures/id_rsa', content: pem },
          { path: 'app/node_modules/@scope/agent/test/ssl-cert-snakeoil.key', content: pem },
          { path: 'usr/lib/python3/dist-packages/paramiko/tests/_support/rsa.key', content: pem },
          { path: 'root/go/pkg/mod/golang.org/x/crypto@v0.17.0/ssh/testdata/keys.go', content: pem },
          { path: 'app/node_modules/leaky/lib/deploy.key', content: pem },
          { path: 'app/test/fixtures/id_rsa', content: pem },
        ],
      ],
    });
    const paths = (await scanImageSecrets(image)).map((f) => (f.location.kind === 'layer' ? f.location.path : ''));
    expect(paths).toEqual(['/app/node_modules/leaky/lib/deploy.key', '/app/test/fixtures/id_rsa']);
  });
});

describe('secrets in history and ENV', () => {
  it('are found wherever a command sets a secret-named variable: build args, export, ENV; placeholders are not', async () => {
    const value = 'hunter2hunter2';
    const image = await buildImage({
      layers: [
        { files: [{ path: 'a', content: 'x' }], createdBy: `/bin/sh -c export API_TOKEN=${value} && make` },
        { empty: true, createdBy: `|2 DB_PASSWORD=${value} NAME=web /bin/sh -c npm ci` },
        { empty: true, createdBy: `/bin/sh -c #(nop)  ENV SECRET_KEY="${value}"` },
        { empty: true, createdBy: '/bin/sh -c echo TOKEN=$TOKEN; curl -H "Authorization: $AUTH_HEADER" x' },
        { empty: true, createdBy: `|2 SIGNING_KEY=${value} PASSWORD_FILE=/run/secrets/password /bin/sh -c make` },
      ],
      config: { Env: [`DB_PASSWORD=${value}`, 'PATH=/usr/bin'] },
    });
    const findings = await scanImageSecrets(image);
    expect(findings.map((f) => `${f.location.kind === 'config' ? f.location.field : ''} ${f.rule}: ${f.message}`)).toEqual([
      'config.Env[0] config-secret: DB_PASSWORD set in the image config',
      'history[0].created_by config-secret: API_TOKEN set in the image config',
      'history[1].created_by config-secret: DB_PASSWORD set in the image config',
      'history[2].created_by config-secret: SECRET_KEY set in the image config',
      'history[4].created_by config-secret: SIGNING_KEY set in the image config',
    ]);
    expect(JSON.stringify(findings)).not.toContain(value);
  });
});

describe('a private key of real length', () => {
  // secretlint reports a block whose body is 100+ characters as a whole, header to footer
  const body = Array.from({ length: 25 }, (_, i) => `MIIEpAIBAAKCAQEA${String(i).padStart(2, '0')}uGbXWiK3dQTyCbX5xdE4yCuYp0AF2d15Qq1JSXT/lx8BgTQy`).join('\n');
  const longPem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;

  it('is reported by its header line and length, its body in neither the value nor the message', async () => {
    const image = await buildImage({ layers: [[{ path: 'root/.ssh/id_rsa', content: longPem, mode: 0o600 }]] });
    const findings = await scanImageSecrets(image);
    expect(findings.map((f) => [f.rule, f.message, f.redacted])).toEqual([['privatekey', 'found private key', `-----BEGIN RSA PRIVATE KEY-----…[${longPem.trimEnd().length - 31} chars redacted]`]]);
    const output = JSON.stringify(findings);
    for (const line of body.split('\n')) expect(output).not.toContain(line);
  });
});

describe('hostile file names', () => {
  it('are scanned like any other: a newline, a line separator or a "::end" in a name does not stop the scan', async () => {
    const names = ['app/a\nb.env', 'app/c\u2028d', 'app/e::end', 'app/f::start||g'];
    const image = await buildImage({ layers: [names.map((path) => ({ path, content: `GH_TOKEN=${githubToken}\n` }))] });
    const findings = await scanImageSecrets(image);
    expect(findings.map((f) => (f.location.kind === 'layer' ? `${f.location.path} ${f.rule}` : ''))).toEqual(names.map((n) => `/${n} github`));
    // the process must still be alive and well after secretlint's profiling of those names has settled
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe('a hostile layer', () => {
  it.each([
    ['a path with ..', [{ path: 'app/../../etc/app.env', content: `GH_TOKEN=${githubToken}\n` }], /^layer 1 sha256:[0-9a-f]{64}: entry "app\/\.\.\/\.\.\/etc\/app\.env" leaves the root with "\.\."$/],
    ['an absolute path', [{ path: '/etc/app.env', content: `GH_TOKEN=${githubToken}\n` }], /^layer 1 sha256:[0-9a-f]{64}: entry "\/etc\/app\.env" has an absolute path$/],
    ['a hardlink out of the root', [{ path: 'app/.env', content: `GH_TOKEN=${githubToken}\n` }, { path: 'x', type: 'hardlink' as const, target: '../../x' }], /hardlink "x".*leaves the root/],
  ])('with %s is refused as invalid input naming layer and entry, as sbom and analyze refuse it', async (_name, files, message) => {
    const image = await buildImage({ layers: [[{ path: 'app/ok.txt', content: 'fine\n' }], files] });
    const error: unknown = await scanImageSecrets(image).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect(error).toMatchObject({ code: 'invalid-input' });
    expect((error as Error).message).toMatch(message);
    // the very line sbom and analyze print for this image, through the shared file resolver
    const shared: unknown = await scanImage(image).catch((e: unknown) => e);
    expect((error as Error).message).toBe((shared as Error).message);
  });
});

describe('an image of many text files', () => {
  it('leaves nothing behind per file scanned, so time and memory grow with the files, not with their square', async () => {
    const image = await buildImage({ layers: [Array.from({ length: 300 }, (_, i) => ({ path: `app/f${i}.txt`, content: `line ${i}\n` }))] });
    expect(await scanImageSecrets(image)).toEqual([]);
    // let a performance observer see whatever was marked
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(performance.getEntriesByType('mark').filter((m) => m.name.includes('/app/f'))).toEqual([]);
    expect(await secretLintProfiler.getEntries()).toEqual([]);
  });
});

describe('a layer the shared layer reader refuses', () => {
  const secret = { path: 'app/.env', content: `GH_TOKEN=${githubToken}\n` };
  it.each([
    ['an entry larger than any layer may hold', { path: 'app/huge', type: 'raw' as const, header: { type: 'file' as const }, content: Buffer.alloc(0), declaredSize: 2 ** 40 }, /^layer 1 sha256:[0-9a-f]{64}: entry "app\/huge" declares an absurd size \(1099511627776 bytes\)$/],
    ['an entry of an unknown type', { path: 'app/odd', type: 'raw' as const, header: { type: 'file' as const }, content: Buffer.from('GH_TOKEN=x\n'), declaredFlag: 'Q' }, /^layer 1 sha256:[0-9a-f]{64}: entry "app\/odd" has an unsupported tar type "Q"$/],
    ['a tar cut off inside an entry', { path: 'app/cut', type: 'raw' as const, header: { type: 'file' as const }, content: Buffer.alloc(0), declaredSize: 4096 }, /^layer 1 sha256:[0-9a-f]{64}: not a valid tar: Unexpected end of data$/],
  ])('with %s is refused in the one line sbom and analyze print', async (_name, hostile, message) => {
    const image = await buildImage({ layers: [[{ path: 'app/ok.txt', content: 'fine\n' }], [secret, hostile]] });
    const error: unknown = await scanImageSecrets(image).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect(error).toMatchObject({ code: 'invalid-input' });
    expect((error as Error).message).toMatch(message);
    const shared: unknown = await scanImage(image).catch((e: unknown) => e);
    expect((error as Error).message).toBe((shared as Error).message);
  });
});

describe('scanDirectorySecrets', () => {
  it('scans a build context, skipping what is ignored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-secrets-'));
    await writeFile(join(dir, '.env'), 'STRIPE_SECRET_KEY=sk_live_51H8x2KJd8f7sDf8s7d6f5g4h3j2k1l0\n');
    await mkdir(join(dir, 'ignored'));
    await writeFile(join(dir, 'ignored', 'key.pem'), pem);
    const findings = await scanDirectorySecrets(dir, (rel) => rel === 'ignored');
    expect(findings.map((f) => (f.location.kind === 'file' ? f.location.path : ''))).toEqual(['.env']);
    expect(JSON.stringify(findings)).not.toContain('sk_live_51H8x2KJd8f7sDf8s7d6f5g4h3j2k1l0');
  });
});
