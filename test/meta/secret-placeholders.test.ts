/**
 * Lint, analyze and the secrets scanner take the same values for placeholders (src/internal/secret-placeholder.ts):
 * a URL password one of them reported or redacted, another passed, would read as a secret in one output and be
 * missing from the other.
 */
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/analyze/redact.js';
import { isPlaceholderSecret } from '../../src/internal/secret-placeholder.js';
import { lintText } from '../../src/lint/index.js';
import { rule as useSecretMount } from '../../src/lint/rules/use-secret-mount.js';
import { findSecrets } from '../../src/secrets/rules.js';

/** Lint reports the URL in a RUN. */
function lintReports(password: string): boolean {
  const text = `FROM alpine:3\nRUN git clone https://deploy:${password}@git.corp.invalid/app.git\n`;
  return lintText(text, { rules: [useSecretMount] }).findings.some((f) => f.ruleId === 'use-secret-mount');
}

/** The secrets scanner reports the URL in a file. */
async function secretsReports(password: string): Promise<boolean> {
  return (await findSecrets('/app/deploy.sh', `git clone https://deploy:${password}@git.corp.invalid/app.git\n`)).length > 0;
}

/** Analyze redacts the URL in a history command. */
function analyzeRedacts(password: string): boolean {
  return redact(`/bin/sh -c git clone https://deploy:${password}@git.corp.invalid/app.git`).includes('<redacted>');
}

describe('placeholders are one list', () => {
  it.each([
    // lint's old list: variable references only
    ['$GIT_TOKEN', true],
    ['${GIT_TOKEN}', true],
    ['${GIT_USER}${GIT_TOKEN}', true],
    // the secrets scanner's old list
    ['changeme', true],
    ['CHANGEME', true],
    ['xxxxxxxx', true],
    ['********', true],
    ['dummy', true],
    ['redacted', true],
    ['example', true],
    ['my-example-token-4f9a', true],
    ['none', true],
    ['null', true],
    ['true', true],
    ['false', true],
    // secrets: a reference inside other text, real-looking passwords
    ['pa$$word', false],
    ['${GIT_TOKEN}x', false],
    ['s3cr3t-Pa55w0rd', false],
    ['changeme2', false],
  ])('URL password %s: placeholder %s, in lint, analyze and secrets alike', async (password, placeholder) => {
    expect(isPlaceholderSecret(password)).toBe(placeholder);
    expect({ lint: lintReports(password), analyze: analyzeRedacts(password), secrets: await secretsReports(password) }).toEqual({
      lint: !placeholder,
      analyze: !placeholder,
      secrets: !placeholder,
    });
  });

  it.each([
    ['<your token>', true],
    ['""', true],
    ["''", true],
    ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', true],
    ['${ORG_TOKEN}${TOKEN_SUFFIX}', true],
    ['hunter2hunter2', false],
  ])('.env value %s: placeholder %s, as for URL passwords', async (value, placeholder) => {
    expect(isPlaceholderSecret(value)).toBe(placeholder);
    const hits = await findSecrets('/app/.env', `API_TOKEN=${value}\n`);
    expect(hits.length > 0).toBe(!placeholder);
  });
});
