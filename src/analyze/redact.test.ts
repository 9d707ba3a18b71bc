import { describe, expect, it } from 'vitest';
import { redact, secretReason, secretValueKind } from './redact.js';

describe('redact', () => {
  it('redacts the password of a URL, also with an empty user or an @ in it, and leaves placeholders and users alone', () => {
    expect(redact('redis-cli -u redis://:s3cr3t@cache:6379 ping')).toBe('redis-cli -u redis://:<redacted>@cache:6379 ping');
    expect(redact('curl https://deploy:p@ss@hooks.example/build')).toBe('curl https://deploy:<redacted>@hooks.example/build');
    expect(redact('git clone https://user:$GIT_TOKEN@example.com/r.git ssh://git@example.com/r.git')).toBe('git clone https://user:$GIT_TOKEN@example.com/r.git ssh://git@example.com/r.git');
    const once = redact('curl https://deploy:Zq8sK2mP9vX4@hooks.example/build');
    expect(redact(once)).toBe(once);
  });

  it('reads a URL with a password as a secret value, an @ after the path or query as none', () => {
    expect(secretValueKind('redis://:s3cr3t@cache')).toBe('URL with a password');
    expect(secretReason('CACHE', 'redis://:s3cr3t@cache')).toBe('value looks like a URL with a password');
    expect(secretValueKind('https://example.com/?contact=a:b@c')).toBeUndefined();
    expect(secretValueKind('https://user:${TOKEN}@example.com')).toBeUndefined();
  });
});
