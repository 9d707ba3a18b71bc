import { describe, expect, it } from 'vitest';
import { findUrlCredentials, hasUrlCredentials, redactUrlCredentials, urlCredentialsHost } from './url-credentials.js';

describe('url-credentials', () => {
  it.each([
    // [text, a secret in general text, with tokenUser (pip's index URLs)]
    ['https://u:p@h', true, true],
    ['postgres://app:pw@db:5432/app', true, true],
    ['redis://:password@host', true, true],
    ['git+https://u:p%40ss@h/repo.git', true, true],
    ['https://u:p@ss@h/x', true, true],
    ['https://u:pa$$word@h', true, true],
    ['https://u:${TOKEN}x@h', true, true],
    ['https://${USER}:s3cr3t@h', true, true],
    // placeholders: the shell, pip, uv and pdm expand them; the text keeps no credential
    ['https://u:$TOKEN@h', false, false],
    ['https://u:${TOKEN}@h', false, false],
    ['https://${USER}:${TOKEN}@h', false, false],
    ['https://${TOKEN}@h', false, false],
    // a user alone names an account; pip reads it as a token
    ['ssh://git@host/org/repo', false, true],
    ['https://TOKEN@host/simple', false, true],
    ['https://TOKEN:@host/simple', false, true],
    ['https://u:@h', false, true],
    // not a userinfo
    ['git@github.com:org/repo', false, false],
    ['http://[::1]:8080/', false, false],
    ['http://localhost:8080/', false, false],
    ['http://host:8080/a@b', false, false],
    ['https://host/?email=a:b@c', false, false],
    ['https://host#a:b@c', false, false],
    ['mailto:a:b@c', false, false],
    ['://u:p@h', false, false],
    ['https://u:p@', false, false],
    ['https://u:<redacted>@h', false, false],
    ['https://<redacted>@h', false, false],
    ['', false, false],
  ])('%s: %s, with tokenUser %s', (text, general, token) => {
    expect(hasUrlCredentials(text)).toBe(general);
    expect(hasUrlCredentials(text, { tokenUser: true })).toBe(token);
  });

  it('finds the URL inside text: after `=`, in quotes, after another scheme, among other words', () => {
    expect(hasUrlCredentials('DATABASE_URL=postgres://app:pw@db/app')).toBe(true);
    expect(hasUrlCredentials('--db=postgres://app:pw@db/app')).toBe(true);
    expect(hasUrlCredentials('jdbc:postgresql://app:pw@db/app')).toBe(true);
    expect(findUrlCredentials(`curl "https://deploy:Zq8s@hooks.example/build" 'ftp://a:b@files.example'`)).toEqual([
      { index: 6, redacted: 'https://deploy:<redacted>@hooks.example', host: 'hooks.example', scheme: 'https', secret: 'Zq8s', secretIndex: 21 },
      { index: 48, redacted: 'ftp://a:<redacted>@files.example', host: 'files.example', scheme: 'ftp', secret: 'b', secretIndex: 56 },
    ]);
    expect(findUrlCredentials('git clone https://user:abc123@example.com/repo.git && ssh://git@host')).toHaveLength(1);
    // with tokenUser the secret is the user, where it starts
    expect(findUrlCredentials('x https://TOKEN@host/simple', { tokenUser: true }).map((u) => [u.secret, u.secretIndex])).toEqual([['TOKEN', 10]]);
  });

  it('urlCredentialsHost reads one URL from its start and gives only the host, with its port', () => {
    expect(urlCredentialsHost('https://deploy:t0k@pypi.corp.example:8443/simple?x=1')).toBe('pypi.corp.example:8443');
    expect(urlCredentialsHost('https://[::1]:8443/simple')).toBeUndefined();
    expect(urlCredentialsHost('https://u:p@[::1]:8443/simple')).toBe('[::1]:8443');
    expect(urlCredentialsHost('https://t0k@extra.example/simple')).toBeUndefined();
    expect(urlCredentialsHost('https://t0k@extra.example/simple', { tokenUser: true })).toBe('extra.example');
    expect(urlCredentialsHost('https://${PIP_TOKEN}@extra.example/simple', { tokenUser: true })).toBeUndefined();
    expect(urlCredentialsHost('see https://u:p@h')).toBeUndefined();
  });

  it('redactUrlCredentials replaces the secret only, keeps placeholders, and leaves its own output alone', () => {
    const text = 'curl https://deploy:Zq8s@hooks.example/build; redis-cli -u redis://:pw@cache; git clone https://u:$TOKEN@h; ssh://git@host';
    const once = redactUrlCredentials(text);
    expect(once).toBe('curl https://deploy:<redacted>@hooks.example/build; redis-cli -u redis://:<redacted>@cache; git clone https://u:$TOKEN@h; ssh://git@host');
    expect(redactUrlCredentials(once)).toBe(once);
    expect(redactUrlCredentials('https://u:p@ss@h/x')).toBe('https://u:<redacted>@h/x');
    expect(redactUrlCredentials('https://t0k@h/simple', { tokenUser: true })).toBe('https://<redacted>@h/simple');
    expect(redactUrlCredentials('https://t0k:@h/simple', { tokenUser: true })).toBe('https://<redacted>:@h/simple');
    expect(redactUrlCredentials('no url here')).toBe('no url here');
  });
});
