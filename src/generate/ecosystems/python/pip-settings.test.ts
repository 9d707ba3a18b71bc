import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { credentialedPipSettings } from './pip-settings.js';

describe('credentialedPipSettings', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function settings(files: Record<string, string>) {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-pip-settings-'));
    made.push(root);
    for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
    return credentialedPipSettings(new ProjectFiles(root), '.');
  }

  it('reads the [global] and [install] sections of pip.conf as pip does: normalised names, indented continuation lines, lists; not other sections or comments', async () => {
    const found = await settings({
      'pip.conf': [
        '# index-url = https://u:commented@commented.example/simple',
        '[global]',
        '--Extra_Index_URL = https://mirror.example/simple',
        '    https://u:t@extra.example/simple',
        '; find-links = https://u:t@commented.example/wheels',
        '[freeze]',
        'index-url = https://u:t@freeze.example/simple',
        '[install]',
        'find-links: https://TOKEN@wheels.example/',
        'index-url = https://${USER}:${TOKEN}@placeholder.example/simple',
        '',
      ].join('\n'),
    });
    expect(found).toEqual([
      { file: 'pip.conf', setting: 'extra-index-url in [global]', option: 'extra-index-url', host: 'extra.example' },
      { file: 'pip.conf', setting: 'find-links in [install]', option: 'find-links', host: 'wheels.example' },
    ]);
  });

  it("reads pip's variables in .env, quoted, exported or followed by a comment; other variables and none at all are nothing", async () => {
    expect(
      await settings({
        '.env': "INDEX=https://u:t@other.example/simple\nexport PIP_FIND_LINKS='https://u:t@wheels.example/'\nPIP_INDEX_URL=https://u:t@pypi.corp.example/simple # corp\n#PIP_EXTRA_INDEX_URL=https://u:t@commented.example/simple\n",
      }),
    ).toEqual([
      { file: '.env', setting: 'PIP_FIND_LINKS', option: 'find-links', host: 'wheels.example' },
      { file: '.env', setting: 'PIP_INDEX_URL', option: 'index-url', host: 'pypi.corp.example' },
    ]);
    expect(await settings({ 'pip.ini': '[global]\nindex-url = https://pypi.org/simple\n' })).toEqual([]);
    expect(await settings({})).toEqual([]);
  });
});
