import { describe, expect, it } from 'vitest';
import { looksSecretName } from './secret-name.js';

/** Names the value of which is a secret, in the spellings of ENV, labels, .env files and command-line options. */
const secret = [
  'API_KEY', 'apiKey', 'APIKey', 'api-key', 'APIKEY', '--api-key', 'TOKEN', 'GITHUB_TOKEN', 'NPM_TOKEN', 'ID_TOKEN', 'authToken',
  'npm_config__authToken', 'x-auth-token', 'PASSWORD', 'PASSWD', 'PWORD', 'DB_PWD', 'DB_PASS', '--db-pass', 'DBPASSWORD',
  'USER_PASSWORD', 'PASSWORD2', 'spring.datasource.password', 'GPG_PASSPHRASE', 'SECRET', 'CLIENT_SECRET', 'CLIENT_SECRETS',
  'SECRET_KEY_BASE', 'PRIVATE_KEY', 'SSH_PRIVATE_KEY', 'AWS_SECRET_ACCESS_KEY', 'CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS',
  'DOCKER_CREDS', 'AUTH', 'BASIC_AUTH', 'AUTHORIZATION', 'AUTH_HEADER', 'SESSION_KEY', 'SIGNING_KEY', 'API_KEYS', 'KEY',
  'GPG_PRIVATE_KEY', 'PGP_SECRET_KEY', 'GPG_KEY_PASSPHRASE',
];

/** Names that hold no secret: a secret word inside another, something about a secret, or a well-known other meaning. */
const notSecret = [
  'AUTHOR', 'TOKENIZER', 'KEYBOARD', 'monkey', 'turkey', 'KEYCLOAK_URL', 'MAX_TOKENS', 'PRIVATE', 'PWD', 'OLDPWD',
  'PUBLIC_KEY', 'NEXT_PUBLIC_API_KEY', 'PASSWORD_FILE', 'DB_PASSWORD_FILE', '--token-file', 'TOKEN_URL', 'AUTH_URL',
  'KEY_ID', 'AWS_ACCESS_KEY_ID', 'SIGNING_KEY_ID', 'OAUTH_CLIENT_ID', 'AUTH_USER', 'DB_USER', 'SECRET_NAME', 'TOKEN_TYPE',
  'API_KEY_LENGTH', 'TOKEN_TTL', 'AUTH_ENABLED', 'GPG_KEY_URL', 'KEY_PATH', 'PRIMARY_KEY', 'CACHE_KEY',
  // the OpenPGP keys (fingerprints) official images verify their downloads with
  'GPG_KEY', 'GPG_KEYS', 'WORDPRESS_CLI_GPG_KEY', 'MANIFEST_TOOL_GPG_KEY', 'OPENSSL_PGP_KEY_IDS',
  'NODE_ENV', 'PORT', '', '--',
];

describe('looksSecretName', () => {
  it.each(secret)('%s is a secret', (name) => {
    expect(looksSecretName(name)).toBe(true);
  });
  it.each(notSecret)('%s is not a secret', (name) => {
    expect(looksSecretName(name)).toBe(false);
  });
});
