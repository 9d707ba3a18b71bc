import { describe, expect, it } from 'vitest';
import { forImage, parseStartScript, preloadsOf, withoutPreloads } from './node-start.js';

describe('start script', () => {
  it.each([
    ['node server.js', { env: [], options: [], entry: 'server.js', args: [] }],
    ['node --require ./tracing.js src/server.js', { env: [], options: ['--require', './tracing.js'], entry: 'src/server.js', args: [] }],
    ['node -r dotenv/config src/server.js', { env: [], options: ['-r', 'dotenv/config'], entry: 'src/server.js', args: [] }],
    ['node --import=./otel.mjs --enable-source-maps dist/main.mjs', { env: [], options: ['--import=./otel.mjs', '--enable-source-maps'], entry: 'dist/main.mjs', args: [] }],
    ['node --max-old-space-size=4096 ./src/server.js --port 9000', { env: [], options: ['--max-old-space-size=4096'], entry: 'src/server.js', args: ['--port', '9000'] }],
    ['NODE_ENV=production PORT=8080 node server.js', { env: [['NODE_ENV', 'production'], ['PORT', '8080']], options: [], entry: 'server.js', args: [] }],
    ['cross-env NODE_ENV=production node src/server.js', { env: [['NODE_ENV', 'production']], options: [], entry: 'src/server.js', args: [] }],
    ["node server.js --name 'a b'", { env: [], options: [], entry: 'server.js', args: ['--name', 'a b'] }],
    ['node .', { env: [], options: [], args: [] }],
  ])('%s is one node command', (script, start) => {
    expect(parseStartScript(script)).toEqual({ kind: 'node', start });
  });

  it.each([
    ['npm run migrate && node server.js', 'more than a single command'],
    ['node server.js | pino-pretty', 'more than a single command'],
    ['ts-node src/index.ts', 'ts-node'],
    ['tsx src/server.ts', 'tsx'],
    ['NODE_ENV=production nodemon server.js', 'nodemon'],
    ["node -e 'require(1)'", 'node -e'],
    ['node --require', 'node --require without its value'],
    ['node server.js > server.log', 'more than a single command'],
    ['node server.js &', 'more than a single command'],
    ['node $ENTRY', 'more than a single command'],
    ['PORT=$PORT node server.js', 'more than a single command'],
    ['node dist/*.js', 'more than a single command'],
    ['node "server.js', 'more than a single command'],
  ])('%s is not (%s)', (script, runs) => {
    expect(parseStartScript(script)).toEqual({ kind: 'other', runs });
  });

  it('forImage leaves out env files and secret-looking variables and arguments, naming them without their values', () => {
    const parsed = parseStartScript('PORT=8080 API_TOKEN=t0k DB=postgres://app:pw@db/app node --env-file=.env --enable-source-maps server.js --port 9000 --api-key=abc --password hunter2 postgres://u:p@h/d --verbose');
    if (parsed.kind !== 'node') throw new Error('one node command');
    const safe = forImage(parsed.start);
    expect(safe).toEqual({
      options: ['--enable-source-maps'],
      args: ['--port', '9000', '--verbose'],
      env: [['PORT', '8080']],
      left: [
        { kind: 'env-file', name: '--env-file' },
        { kind: 'variable', name: 'API_TOKEN' },
        { kind: 'variable', name: 'DB' },
        { kind: 'argument', name: '--api-key' },
        { kind: 'argument', name: '--password' },
        { kind: 'argument', name: 'argument 6' },
      ],
    });
    expect(JSON.stringify(safe)).not.toMatch(/t0k|abc|hunter2|:pw@|:p@/);
  });

  it('forImage finds a URL with a password anywhere in a value, and keeps one whose password is a placeholder', () => {
    const parsed = parseStartScript("node server.js --url=jdbc:postgresql://app:pw@db/app DB=mysql://root:pw@db 'postgres://app:$DB_PASSWORD@db/app' ssh://git@host");
    if (parsed.kind !== 'node') throw new Error('one node command');
    expect(forImage(parsed.start)).toEqual({
      options: [],
      args: ['postgres://app:$DB_PASSWORD@db/app', 'ssh://git@host'],
      env: [],
      left: [
        { kind: 'argument', name: '--url' },
        { kind: 'argument', name: 'argument 2' },
      ],
    });
  });

  it('forImage reads names as words: a secret word inside another, a public key or a secret file path stays', () => {
    const parsed = parseStartScript('TOKENIZER=bert AUTHOR=me PUBLIC_KEY=./pub.pem DB_PASS=pw node server.js --keyboard us --token-file ./token --db-pass hunter2');
    if (parsed.kind !== 'node') throw new Error('one node command');
    expect(forImage(parsed.start)).toEqual({
      options: [],
      args: ['--keyboard', 'us', '--token-file', './token'],
      env: [['TOKENIZER', 'bert'], ['AUTHOR', 'me'], ['PUBLIC_KEY', './pub.pem']],
      left: [
        { kind: 'variable', name: 'DB_PASS' },
        { kind: 'argument', name: '--db-pass' },
      ],
    });
  });

  it('withoutPreloads drops the chosen preloads with their values, written with or without =', () => {
    const options = ['--enable-source-maps', '--import', 'tsx', '-r=ts-node/register', '--require', './tracing.js', '--loader=ts-node/esm', '--conditions', 'tsx'];
    expect(preloadsOf(options)).toEqual(['tsx', 'ts-node/register', './tracing.js', 'ts-node/esm']);
    expect(withoutPreloads(options, (p) => !p.startsWith('./'))).toEqual(['--enable-source-maps', '--require', './tracing.js', '--conditions', 'tsx']);
  });
});
