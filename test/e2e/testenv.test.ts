/** What `scripts/testenv.sh up` promises the suite: registries on loopback (one behind htpasswd) and fixtures. */
import { describe, expect, it } from 'vitest';
import { authRegistryHost, authRegistryPassword, authRegistryUser, dockerCli, fixtures, missing, registryHost, run } from './env.js';

async function status(url: string, auth?: string): Promise<number> {
  const out = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...(auth === undefined ? [] : ['-u', auth]), url]).catch(() => '000');
  return Number(out);
}

describe.skipIf(missing('registry'))('test environment: registries', () => {
  it('serves the plain registry without credentials', async () => {
    expect(await status(`http://${registryHost}/v2/`)).toBe(200);
  });

  it('guards the second registry with htpasswd (bcrypt) credentials', async () => {
    expect(await status(`http://${authRegistryHost}/v2/`)).toBe(401);
    expect(await status(`http://${authRegistryHost}/v2/`, `${authRegistryUser}:wrong`)).toBe(401);
    expect(await status(`http://${authRegistryHost}/v2/`, `${authRegistryUser}:${authRegistryPassword}`)).toBe(200);
  });
});

describe.skipIf(missing('docker', 'fixtures'))('test environment: fixture images', () => {
  it('builds the busybox fixture with a hash tag and runs it without a network', async () => {
    const tags = JSON.parse(await run(dockerCli, ['image', 'inspect', '--format', '{{json .RepoTags}}', fixtures.busybox])) as string[];
    expect(tags.some((t) => /^shipshape-fixture\/busybox:[0-9a-f]{16}$/.test(t))).toBe(true);
    const out = await run(dockerCli, ['run', '--rm', '--network', 'none', fixtures.busybox]);
    expect(out).toBe('hello from shipshape\nfixture message\n');
  });
});
