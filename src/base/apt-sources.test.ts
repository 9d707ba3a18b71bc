import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aptSourcesOrDefault, debianDefaultSources, mirrorSource, parseSourcesFile, parseSourcesList, readAptSources } from './apt-sources.js';

const deb822 = `Types: deb deb-src
# a comment
URIs: http://deb.debian.org/debian/
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Enabled: no
`;

describe('apt sources', () => {
  it('reads deb822 stanzas: one source per URI × suite, deb only, disabled ones skipped', () => {
    expect(parseSourcesFile(deb822, 'x.sources')).toEqual([
      { uri: 'http://deb.debian.org/debian', suite: 'bookworm', components: ['main', 'contrib'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg' },
      { uri: 'http://deb.debian.org/debian', suite: 'bookworm-updates', components: ['main', 'contrib'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg' },
    ]);
  });

  it('reads the one-line format with options and comments', () => {
    const text = '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\ndeb-src http://m.example/debian bookworm main\ndeb http://m.example/debian-security bookworm-security main # trailing\n';
    expect(parseSourcesList(text, 'sources.list')).toEqual([
      { uri: 'http://m.example/debian', suite: 'bookworm', components: ['main'], signedBy: '/k.gpg' },
      { uri: 'http://m.example/debian-security', suite: 'bookworm-security', components: ['main'] },
    ]);
    expect(() => parseSourcesList('deb http://x\n', 'sources.list')).toThrow(/sources.list: line 1/);
  });

  it("keeps a source's own opt-out of the InRelease date checks (check-valid-until=no, Check-Date: no), as apt does for snapshot archives", () => {
    const line = 'deb [check-valid-until=no] http://snapshot.debian.org/archive/debian/20240101T000000Z bookworm main\ndeb [check-date=false check-valid-until=yes] http://m/debian bookworm main\n';
    expect(parseSourcesList(line, 'sources.list')).toEqual([
      { uri: 'http://snapshot.debian.org/archive/debian/20240101T000000Z', suite: 'bookworm', components: ['main'], checkValidUntil: false },
      { uri: 'http://m/debian', suite: 'bookworm', components: ['main'], checkDate: false },
    ]);
    const stanza = 'Types: deb\nURIs: http://snapshot.debian.org/archive/debian/20240101T000000Z\nSuites: bookworm\nComponents: main\nCheck-Valid-Until: no\n';
    expect(parseSourcesFile(stanza, 'snapshot.sources')).toEqual([{ uri: 'http://snapshot.debian.org/archive/debian/20240101T000000Z', suite: 'bookworm', components: ['main'], checkValidUntil: false }]);
  });

  it("keeps a source's own valid-until-max / valid-until-min (Valid-Until-Max: / Valid-Until-Min:), in seconds, and refuses another value", () => {
    const line = 'deb [valid-until-max=604800 valid-until-min=0] http://mirror.example/debian bookworm main\ndeb [valid-until-min=1209600] http://deb.debian.org/debian-security bookworm-security main\n';
    expect(parseSourcesList(line, 'sources.list')).toEqual([
      { uri: 'http://mirror.example/debian', suite: 'bookworm', components: ['main'], maxValidTime: 604800 },
      { uri: 'http://deb.debian.org/debian-security', suite: 'bookworm-security', components: ['main'], minValidTime: 1209600 },
    ]);
    const stanza = 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\nValid-Until-Max: 86400\n';
    expect(parseSourcesFile(stanza, 'mirror.sources')).toEqual([{ uri: 'http://mirror.example/debian', suite: 'bookworm', components: ['main'], maxValidTime: 86400 }]);
    expect(() => parseSourcesList('deb [valid-until-max=7d] http://m/debian bookworm main\n', 'sources.list')).toThrow(/sources.list: line 1: valid-until-max "7d" is not a number of seconds/);
  });

  it('reads a configuration folder in apt order and fails clearly when it is empty', async () => {
    const etc = await mkdtemp(join(tmpdir(), 'apt-'));
    await mkdir(join(etc, 'sources.list.d'));
    await expect(readAptSources(etc)).rejects.toThrow(/no apt sources configured/);
    await writeFile(join(etc, 'sources.list.d', 'debian.sources'), deb822);
    await writeFile(join(etc, 'sources.list'), 'deb http://first.example/debian bookworm main\n');
    const sources = await readAptSources(etc);
    expect(sources.map((s) => `${s.uri} ${s.suite}`)).toEqual(['http://first.example/debian bookworm', 'http://deb.debian.org/debian bookworm', 'http://deb.debian.org/debian bookworm-updates']);
  });

  it('makes sources from --mirror', () => {
    expect(mirrorSource('http://127.0.0.1:8080/debian/,trixie').map((s) => s.suite)).toEqual(['trixie']);
    expect(mirrorSource('http://m/debian')).toHaveLength(2);
    expect(() => mirrorSource('ftp://m')).toThrow(/--mirror ftp:\/\/m/);
  });
});

describe('aptSourcesOrDefault', () => {
  it("falls back to Debian 12's default sources on a machine with none", async () => {
    const etc = await mkdtemp(join(tmpdir(), 'shipshape-apt-none-'));
    try {
      expect(await aptSourcesOrDefault(join(etc, 'apt'))).toEqual(debianDefaultSources);
    } finally {
      await rm(etc, { recursive: true, force: true });
    }
  });
});
