/**
 * Loopback servers the registry tests start and stop themselves: real `docker-registry` instances (plain,
 * htpasswd, token auth) on free 127.0.0.1 ports with temp storage, and what a real registry never does — a token
 * issuer, a fault-injecting proxy, a separate blob server for redirects, a stub credential helper.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSign, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const hasRegistryBinary = spawnSync('docker-registry', ['--version'], { stdio: 'ignore' }).status === 0;
export const hasHtpasswd = spawnSync('htpasswd', ['-h'], { stdio: 'ignore' }).status !== 127 && spawnSync('which', ['htpasswd'], { stdio: 'ignore' }).status === 0;
export const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => { resolve(port); });
    });
  });
}

async function waitFor(url: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`${url} did not answer: ${String(error)}`);
      await sleep(100);
    }
  }
}

async function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => { resolve(false); });
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`${host}:${port} did not accept connections`);
    await sleep(100);
  }
}

export interface RunningRegistry {
  host: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export interface RegistryAuthConfig {
  htpasswd?: { user: string; password: string };
  token?: { realm: string; service: string; issuer: string; certFile: string };
}

export interface RegistryTlsConfig {
  certFile: string;
  keyFile: string;
  /** CAs client certificates must chain to; set, the registry refuses clients without one. */
  clientCaFile?: string;
  /** The loopback address to listen on (default 127.0.0.1) and the name clients use (default the address). */
  address?: string;
  hostname?: string;
}

/** Starts `docker-registry serve` on a free loopback port with its own storage; deletes enabled; HTTPS with `tls`. */
export async function startRegistry(auth: RegistryAuthConfig = {}, tls?: RegistryTlsConfig): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-registry-'));
  const port = await freePort();
  const address = tls?.address ?? '127.0.0.1';
  const tlsSection = tls
    ? `  tls:\n    certificate: ${tls.certFile}\n    key: ${tls.keyFile}\n${tls.clientCaFile === undefined ? '' : `    clientcas:\n      - ${tls.clientCaFile}\n`}`
    : '';
  let authSection = '';
  if (auth.htpasswd) {
    const line = execFileSync('htpasswd', ['-Bbn', auth.htpasswd.user, auth.htpasswd.password], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'htpasswd'), `${line}\n`);
    authSection = `auth:\n  htpasswd:\n    realm: shipshape-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth.token) {
    const t = auth.token;
    authSection = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certFile}\n`;
  }
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${address}:${port}
${tlsSection}${authSection}`;
  writeFileSync(join(dir, 'config.yml'), config);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  try {
    await (tls ? waitForPort(address, port) : waitFor(`http://127.0.0.1:${port}/v2/`));
  } catch (error) {
    child.kill();
    throw new Error(`docker-registry did not start: ${stderr}`, { cause: error });
  }
  return {
    host: `${tls?.hostname ?? address}:${port}`,
    port,
    dir,
    stop: () => stopChild(child).then(() => { rmSync(dir, { recursive: true, force: true }); }),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => { resolve(); });
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

async function listen(server: Server, address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, address, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
}

export interface SilentServer {
  /** `127.0.0.1:PORT` */
  host: string;
  stop(): Promise<void>;
}

/** A TCP server that accepts every connection and never sends a byte: a wedged registry, a proxy to nowhere. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}

export interface StubServer {
  /** `http://ADDRESS:PORT` */
  origin: string;
  /** `ADDRESS:PORT`, as a registry host in references. */
  host: string;
  close(): Promise<void>;
}

/**
 * A plain HTTP server on a loopback address (any of 127.0.0.0/8, so that two stubs are two hosts) answering with
 * `handler`: a registry, token service or blob store that misbehaves in one precise way.
 */
export async function startStub(handler: (req: IncomingMessage, res: ServerResponse) => void, address = '127.0.0.1'): Promise<StubServer> {
  const server = createServer(handler);
  const port = await listen(server, address);
  return { origin: `http://${address}:${port}`, host: `${address}:${port}`, close: () => close(server) };
}

/**
 * A token issuer for the registry's `auth: token` mode: signs RS256 JWTs with a throwaway key whose self-signed
 * certificate the registry trusts (sent as `x5c`). Basic credentials are checked when `user` is set; every request
 * is recorded (scopes, whether credentials came) for assertions.
 */
export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: { scopes: string[]; user: string | undefined }[];
  /** Seconds a token lives. */
  expiresIn: number;
  stop(): Promise<void>;
}

export async function startTokenIssuer(options: { user?: string; password?: string; expiresIn?: number } = {}): Promise<TokenIssuer> {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-token-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=shipshape-test-token'], { stdio: 'ignore' });
  const key = readFileSync(keyFile, 'utf8');
  const certDer = readFileSync(certFile, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const service = 'shipshape-test-registry';
  const issuerName = 'shipshape-test-issuer';
  const state: TokenIssuer = { realm: '', service, issuer: issuerName, certFile, requests: [], expiresIn: options.expiresIn ?? 300, stop: () => Promise.resolve() };
  const b64 = (v: object | Buffer): string => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope');
    const authz = req.headers.authorization;
    let user: string | undefined;
    if (authz?.startsWith('Basic ')) {
      const decoded = Buffer.from(authz.slice(6), 'base64').toString();
      user = decoded.slice(0, decoded.indexOf(':'));
      if (options.user !== undefined && decoded !== `${options.user}:${options.password ?? ''}`) {
        state.requests.push({ scopes, user });
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
    }
    state.requests.push({ scopes, user });
    if (options.user !== undefined && user === undefined) {
      res.writeHead(401).end();
      return;
    }
    const access = scopes.flatMap((s) => {
      const [type, name, actions] = s.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] };
    const claims = { iss: issuerName, sub: user ?? '', aud: service, exp: now + state.expiresIn, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const signing = `${b64(header)}.${b64(claims)}`;
    const signature = createSign('RSA-SHA256').update(signing).sign(key);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${signing}.${b64(signature)}`, expires_in: state.expiresIn }));
  });
  const port = await listen(server);
  state.realm = `http://127.0.0.1:${port}/token`;
  state.stop = async () => {
    await close(server);
    rmSync(dir, { recursive: true, force: true });
  };
  return state;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'cut'; afterBytes: number }
  | { kind: 'corrupt' }
  | { kind: 'redirect' }
  | { kind: 'slow'; bytesPerSecond: number }
  /** Takes the request and never answers (until the proxy stops). */
  | { kind: 'hang' }
  /** Sends the status, headers and the first `afterBytes` of the body, then nothing more (the connection stays open). */
  | { kind: 'stall'; afterBytes: number }
  /** Forwards the request, then holds the registry's answer back for `ms` (a registry slow to check an upload). */
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  method?: string;
  path: RegExp;
  fault: Fault;
  /** How many matching requests get the fault (then they pass through). */
  times: number;
}

export interface ProxyLog {
  method: string;
  path: string;
  range: string | undefined;
  fault: Fault['kind'] | undefined;
  at: number;
}

export interface FaultProxy {
  host: string;
  rules: FaultRule[];
  log: ProxyLog[];
  /** Requests the separate blob server answered (redirect targets). */
  blobServerLog: ProxyLog[];
  stop(): Promise<void>;
}

function forward(upstream: string, req: IncomingMessage, res: ServerResponse, body: Buffer, transform?: (status: number, headers: Record<string, string | string[] | undefined>, data: Buffer) => void): void {
  const [hostname, port] = upstream.split(':');
  // The Host header is kept, so the registry builds upload Locations that point back at the proxy.
  const headers = { ...req.headers };
  const out = httpRequest({ hostname, port: Number(port), method: req.method, path: req.url, headers }, (up) => {
    if (transform) {
      const parts: Buffer[] = [];
      up.on('data', (c: Buffer) => parts.push(c));
      up.on('end', () => { transform(up.statusCode ?? 502, up.headers, Buffer.concat(parts)); });
      return;
    }
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', () => res.destroy());
  out.end(body);
}

/**
 * A proxy in front of a real registry that injects faults on matching requests: a status (429 with Retry-After,
 * 500…), a connection cut after N body bytes, a blob served with one byte flipped, or a redirect of blob GETs to a
 * separate blob server (which serves the registry's bytes, Range included, and refuses Authorization headers).
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const rules: FaultRule[] = [];
  const log: ProxyLog[] = [];
  const blobServerLog: ProxyLog[] = [];

  const blobServer = createServer((req, res) => {
    blobServerLog.push({ method: req.method ?? '', path: req.url ?? '', range: req.headers.range, fault: undefined, at: Date.now() });
    // Blob storage is another origin: a client that leaks the registry's credentials here is wrong.
    if (req.headers.authorization !== undefined) {
      res.writeHead(400).end('credentials sent to blob storage');
      return;
    }
    const path = (req.url ?? '').replace(/^\/storage/, '');
    forward(upstream, Object.assign(req, { url: path }), res, Buffer.alloc(0));
  });
  const blobPort = await listen(blobServer);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '';
      const rule = rules.find((r) => r.times > 0 && (r.method === undefined || r.method === req.method) && r.path.test(path));
      log.push({ method: req.method ?? '', path, range: req.headers.range, fault: rule?.fault.kind, at: Date.now() });
      if (!rule) {
        forward(upstream, req, res, body);
        return;
      }
      rule.times--;
      const fault = rule.fault;
      switch (fault.kind) {
        case 'status':
          res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }) });
          res.end(JSON.stringify({ errors: [{ code: fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: `injected ${fault.status}` }] }));
          return;
        case 'redirect':
          res.writeHead(307, { location: `http://127.0.0.1:${blobPort}/storage${path}` }).end();
          return;
        case 'cut':
          forward(upstream, req, res, body, (status, headers, data) => {
            res.writeHead(status, headers);
            res.write(data.subarray(0, fault.afterBytes), () => {
              setTimeout(() => res.socket?.destroy(), 20);
            });
          });
          return;
        case 'slow':
          forward(upstream, req, res, body, (status, headers, data) => {
            // 20 slices a second; the body arrives whole, just late
            res.writeHead(status, headers);
            const slice = Math.max(1, Math.floor(fault.bytesPerSecond / 20));
            let at = 0;
            const tick = (): void => {
              if (res.destroyed) return;
              const part = data.subarray(at, at + slice);
              at += part.length;
              if (at >= data.length) {
                res.end(part);
                return;
              }
              res.write(part);
              setTimeout(tick, 50);
            };
            tick();
          });
          return;
        case 'hang':
          return;
        case 'delay':
          forward(upstream, req, res, body, (status, headers, data) => {
            setTimeout(() => res.writeHead(status, headers).end(data), fault.ms);
          });
          return;
        case 'stall':
          forward(upstream, req, res, body, (status, headers, data) => {
            res.writeHead(status, headers);
            res.write(data.subarray(0, fault.afterBytes));
          });
          return;
        case 'corrupt':
          forward(upstream, req, res, body, (status, headers, data) => {
            const bad = Buffer.from(data);
            if (bad.length > 0) bad[bad.length >> 1] = (bad[bad.length >> 1] ?? 0) ^ 0xff;
            res.writeHead(status, headers).end(bad);
          });
          return;
      }
    });
  });
  const port = await listen(server);
  return {
    host: `127.0.0.1:${port}`,
    rules,
    log,
    blobServerLog,
    stop: async () => {
      await close(server);
      await close(blobServer);
    },
  };
}

/**
 * A `docker-credential-<name>` script on a private PATH directory implementing the helper protocol over a JSON
 * file: `get` answers stored entries, `store` and `erase` change them.
 */
export function stubCredentialHelper(name: string): { binDir: string; storeFile: string; cleanup(): void } {
  const binDir = mkdtempSync(join(tmpdir(), 'shipshape-cred-'));
  const storeFile = join(binDir, 'store.json');
  writeFileSync(storeFile, '{}');
  const script = `#!/usr/bin/env node
const fs = require('fs');
const file = ${JSON.stringify(storeFile)};
const input = fs.readFileSync(0, 'utf8').trim();
const db = JSON.parse(fs.readFileSync(file, 'utf8'));
const action = process.argv[2];
if (action === 'get') {
  const e = db[input];
  if (!e) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: input, Username: e.Username, Secret: e.Secret }));
} else if (action === 'store') {
  const e = JSON.parse(input);
  db[e.ServerURL] = { Username: e.Username, Secret: e.Secret };
  fs.writeFileSync(file, JSON.stringify(db));
} else if (action === 'erase') {
  if (!db[input]) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  delete db[input];
  fs.writeFileSync(file, JSON.stringify(db));
} else { process.exit(2); }
`;
  const path = join(binDir, `docker-credential-${name}`);
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return { binDir, storeFile, cleanup: () => { rmSync(binDir, { recursive: true, force: true }); } };
}

export interface TestPki {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

/**
 * A throwaway CA made with openssl, a server certificate for `names` (DNS names and IPs) and a client certificate,
 * all signed by it (P-256 keys: quick to make). Valid for two days.
 */
export function makeTestPki(names: string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-pki-'));
  const f = (name: string): string => join(dir, name);
  const openssl = (args: string[]): void => { execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] }); };
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...key, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=shipshape test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(f('server.ext'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  for (const who of ['server', 'client']) {
    openssl(['req', ...key, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`), '-subj', `/CN=shipshape test ${who}`]);
    openssl(['x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f(`${who}.crt`), '-extfile', f(`${who}.ext`)]);
  }
  return { dir, caFile: f('ca.crt'), serverCertFile: f('server.crt'), serverKeyFile: f('server.key'), clientCertFile: f('client.crt'), clientKeyFile: f('client.key') };
}

export interface CountingProxy {
  /** `http://127.0.0.1:PORT` for HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  /** One entry per request: `CONNECT host:port` for tunnels, `GET http://…` for forwarded plain requests. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * A forward proxy on loopback as corporate networks run them: CONNECT tunnels (HTTPS, and what undici sends for
 * plain HTTP too) and absolute-URI requests, each recorded. It only connects to loopback targets.
 */
export async function startCountingProxy(): Promise<CountingProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const loopback = (host: string): boolean => /^127\./.test(host) || host === 'localhost' || host === hostname() ;
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    if (!loopback(target.hostname)) {
      res.writeHead(403).end('loopback only');
      return;
    }
    const out = httpRequest({ hostname: target.hostname, port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url ?? ''}`);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    if (!loopback(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect({ host, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await close(server);
    },
  };
}

export interface ThrottleProxy {
  host: string;
  /** Bytes the clients have sent upstream so far. */
  sent(): number;
  stop(): Promise<void>;
}

/**
 * A TCP proxy in front of a registry that passes what clients send at `bytesPerSecond` (answers go back at full
 * speed): a push of a few megabytes then takes seconds, long enough to interrupt it mid-upload every time.
 */
export async function startThrottleProxy(upstream: string, bytesPerSecond: number): Promise<ThrottleProxy> {
  const [upHost = '127.0.0.1', upPort = '5000'] = upstream.split(':');
  const sockets = new Set<Socket>();
  let sent = 0;
  const server = createNetServer((client) => {
    const target = connect({ host: upHost, port: Number(upPort) });
    for (const s of [client, target]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        target.destroy();
      });
    }
    target.pipe(client);
    client.on('data', (chunk: Buffer) => {
      client.pause();
      let at = 0;
      // 20 slices a second
      const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
      const tick = (): void => {
        if (target.destroyed) return;
        const part = chunk.subarray(at, at + slice);
        at += part.length;
        sent += part.length;
        target.write(part);
        if (at < chunk.length) setTimeout(tick, 50);
        else client.resume();
      };
      tick();
    });
    client.on('end', () => target.end());
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    host: `127.0.0.1:${port}`,
    sent: () => sent,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}
