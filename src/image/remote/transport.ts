/**
 * HTTP to one registry, as Docker and go-containerregistry do it: HTTPS with the system CAs, `NODE_EXTRA_CA_CERTS`
 * and `/etc/docker/certs.d/<host>/ca.crt`; plain HTTP for insecure registries (127.0.0.0/8, localhost and the
 * configured ones); `HTTPS_PROXY`/`NO_PROXY` through undici's EnvHttpProxyAgent; timeouts; retries with exponential
 * backoff and `Retry-After` on 429, 5xx and broken connections; redirects followed without credentials when they
 * leave the registry (blob storage); the auth challenge answered once per request.
 *
 * Timeouts, so that a registry that takes the connection and never answers costs seconds, not minutes: opening a
 * connection (TCP and TLS) and waiting for an answer's headers have short limits of their own, a whole request
 * until its answer (every attempt and wait) has a deadline, and a body (a blob download or upload) is bounded only
 * by idleness, so that a large blob on a slow but live connection still arrives.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { externalFailure, invalidInput, notFound, ShipshapeError } from '../../internal/errors.js';
import { type EventSink, silent } from '../../internal/events.js';
import { defaultIdleTimeout, defaultTimeouts, defaultUploadAnswerTimeout } from './settings.js';

export interface TransportOptions {
  /** Hosts (`host` or `host:port`) reached over plain HTTP besides Docker's defaults. */
  insecure?: readonly string[];
  /**
   * Seconds a body (a blob download or upload) may go without a byte; also the wait for the answer to a request
   * that sends a body, which a registry answers only once it has checked what it received. Default: a third of
   * `deadline`, so that a body that stops is cut and asked for again within the deadline.
   */
  timeout?: number;
  /** Seconds to open a connection: TCP and the TLS handshake. */
  connectTimeout?: number;
  /** Seconds to wait for the answer (status and headers) to a request that sends no body. */
  responseTimeout?: number;
  /**
   * Seconds one request may take until its answer, every attempt and wait between them included: a request is cut
   * there (all but a blob upload, see HttpRequest.upload), and no retry starts after it.
   */
  deadline?: number;
  /** Retries for 429, 5xx, broken connections and timeouts (see HttpRequest.idempotent). */
  retries?: number;
  /** First backoff delay in ms (doubles each retry, jittered); Retry-After overrides it. */
  backoffMs?: number;
  /** Upper bound on any single wait, Retry-After included. */
  maxBackoffMs?: number;
  /** Where Docker keeps per-registry CAs (`<dir>/<host>/ca.crt`). */
  certsDir?: string;
  events?: EventSink;
  /** An interrupt: requests in flight are cut, retries and their waits end, no request starts once it has fired. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** The URL that answered (after redirects). */
  url: URL;
}

/** Supplies the Authorization header for a request and learns from 401 challenges. */
export interface Authorizer {
  header(url: URL): Promise<string | undefined>;
  /** Called with a 401's challenge; returns true when retrying could succeed with new credentials. */
  challenge(url: URL, wwwAuthenticate: string | undefined): Promise<boolean>;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** A fresh body per attempt (streams cannot be replayed). */
  body?: () => Buffer | Readable | Promise<Buffer | Readable>;
  /** Statuses that are answers; any other status becomes an error after retries. */
  expect: readonly number[];
  /** What is being done, for messages: "fetching manifest 1.0 of app". */
  what: string;
  /** Follow 3xx redirects (blob downloads): default true for GET/HEAD. */
  followRedirects?: boolean;
  authorizer?: Authorizer;
  /** Values the body carries (a refresh token) that an error body echoing the request must not carry into a message. */
  secrets?: readonly string[];
  /**
   * Whether sending the request again is harmless once the registry may have received it, so that a lost answer,
   * a 5xx or a timeout is retried: by default GET, HEAD, PUT and DELETE (idempotent in HTTP), not POST or PATCH. A
   * request the registry never received (the connection was refused or never opened) and a 429 (refused before
   * acting) are retried whatever this says.
   */
  idempotent?: boolean;
  /**
   * When the request's deadline falls (ms since the epoch), for a request that continues an earlier one: a blob
   * resumed with Range after its connection broke has what is left of the deadline counted from the break, not a
   * fresh one. Default: `deadline` seconds from now.
   */
  deadlineAt?: number;
  /**
   * A blob upload (a PUT or PATCH carrying layer bytes): the time to send its body grows with its size, so it is
   * bounded by idleness instead of the deadline. Every other request, a small body (a token form, a manifest) or
   * none, is cut at the deadline.
   */
  upload?: boolean;
}

const idempotentMethods = new Set<HttpRequest['method']>(['GET', 'HEAD', 'PUT', 'DELETE']);
/** Failures before the request left this machine: sending it again cannot do anything twice. */
const notSentCodes = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Statuses worth another try: rate limits and server trouble (go-containerregistry's defaults plus 429). */
const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);
/** Socket-level failures worth another try; refused connections too, as a registry may be restarting. */
const retryableCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** Error bodies are read up to this size: enough for the registry's JSON error, never a whole hostile page. */
export const maxErrorBodyBytes = 64 * 1024;
const maxRedirects = 5;

/** Seconds for a message: whole as given, else to a tenth (a default idle limit is a third of the deadline). */
function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}

/** Whether Docker would talk plain HTTP to this registry: loopback by default, plus configured hosts/CIDR-less names. */
export function isInsecure(host: string, configured: readonly string[] = []): boolean {
  const hostname = hostOnly(host);
  if (hostname === 'localhost' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true;
  return configured.some((entry) => entry === host || entry === hostname);
}

/** `host:port` → `host`; `[::1]:5000` → `::1`. */
export function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** A socket-level error code (undici wraps some in `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (retryableCodes.has(code) || code.startsWith('ERR_SSL') || code.startsWith('UND_ERR') || code.startsWith('E'))) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryableError(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && retryableCodes.has(code);
}

/** Seconds or an HTTP date → milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Removes query strings and userinfo from a URL for messages: signed blob-storage URLs carry credentials there. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Adds to `secrets` what a request carried that an echoing server could repeat in an error body: the credentials
 * of its Authorization header (the base64 or token, and a Basic password decoded) and the query values and
 * password of its URL (a signed blob-storage URL's signature, a token in `?token=`). Short values and digests are
 * left out: they would blank ordinary words and the digest an error is about.
 */
export function noteSecrets(secrets: Set<string>, url: URL, authorization: string | undefined): void {
  const add = (value: string): void => {
    if (value.length >= 6 && !/^sha256:[0-9a-f]{64}$/.test(value)) secrets.add(value);
  };
  for (const value of url.searchParams.values()) add(value);
  if (url.password !== '') add(decodeURIComponent(url.password));
  if (authorization === undefined) return;
  const credential = authorization.slice(authorization.indexOf(' ') + 1);
  add(credential);
  if (/^basic /i.test(authorization)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    add(decoded.slice(decoded.indexOf(':') + 1));
  }
}

/** Replaces every occurrence of a secret (raw or percent-encoded) in a message with `***`, longest first. */
export function redactSecrets(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}

export function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads at most `limit` bytes of a body and discards the rest (so the connection can be reused or closed). */
export async function readBounded(body: Readable, limit = maxErrorBodyBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (size >= limit) continue;
      const part = chunk.subarray(0, limit - size);
      chunks.push(part);
      size += part.length;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
  } catch {
    // a broken error body still leaves us the status to report
  }
  return Buffer.concat(chunks);
}

/** The registry's JSON error (distribution spec "Error Codes"), or a trimmed text body. */
export function describeErrorBody(body: Buffer): { code: string | undefined; text: string } {
  const raw = body.toString('utf8');
  try {
    const parsed = JSON.parse(raw) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    if (first && typeof first.code === 'string') {
      return { code: first.code, text: `${first.code}${typeof first.message === 'string' && first.message !== '' ? `: ${first.message}` : ''}` };
    }
  } catch {
    // not JSON: fall through
  }
  const text = raw.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { code: undefined, text };
}

const statusTexts: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusLine(status: number): string {
  const text = statusTexts[status];
  return text ? `${status} ${text}` : String(status);
}

/** The TLS material for one registry host: trusted CAs and, when Docker's certs.d has one, a client certificate. */
export interface HostTls {
  ca: string[];
  cert?: string;
  key?: string;
}

/**
 * Builds the TLS options for a host as Docker does: system bundle, Node's roots, NODE_EXTRA_CA_CERTS, and in
 * `<certsDir>/<host>/` every `*.crt` as a CA and a `*.cert` with its `*.key` as the client certificate
 * (Docker's "certs.d" convention, docs.docker.com "Verify repository client with certificates").
 */
export function tlsFor(host: string, certsDir: string): HostTls {
  const ca: string[] = [...rootCertificates];
  // Node 20 ships Mozilla's roots; the system bundle adds what the administrator installed (update-ca-certificates).
  for (const file of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem']) {
    if (existsSync(file)) {
      ca.push(readFileSync(file, 'utf8'));
      break;
    }
  }
  // Passing `ca` replaces Node's defaults, NODE_EXTRA_CA_CERTS included, so add it back explicitly.
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && existsSync(extra)) ca.push(readFileSync(extra, 'utf8'));
  const dir = `${certsDir}/${host}`;
  if (!existsSync(dir)) return { ca };
  const names = readdirSync(dir).sort();
  for (const name of names) if (name.endsWith('.crt')) ca.push(readFileSync(`${dir}/${name}`, 'utf8'));
  // Docker pairs `client.cert` with `client.key`; a certificate without its key is an error there, and here.
  const certName = names.find((n) => n.endsWith('.cert'));
  if (certName === undefined) return { ca };
  const keyName = `${certName.slice(0, -'.cert'.length)}.key`;
  if (!names.includes(keyName)) throw invalidInput(`client certificate ${dir}/${certName}`, `has no matching ${keyName} beside it`);
  return { ca, cert: readFileSync(`${dir}/${certName}`, 'utf8'), key: readFileSync(`${dir}/${keyName}`, 'utf8') };
}

/** Node's names for "the server's certificate chain is not trusted" (OpenSSL verify errors). */
const untrustedCertCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

/** The OpenSSL verify code of a TLS failure, when the error is one (undici wraps it in `cause`). */
export function tlsErrorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && untrustedCertCodes.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The proxy settings from the environment, read as curl and Go's net/http do: the lowercase name first, then the
 * uppercase one, an empty value counting as unset (undici would let an empty `http_proxy` hide `HTTP_PROXY`).
 */
export function proxyEnvironment(env: NodeJS.ProcessEnv = process.env): { httpProxy?: string; httpsProxy?: string; noProxy?: string } {
  const pick = (name: string): string | undefined => {
    for (const key of [name.toLowerCase(), name.toUpperCase()]) {
      const value = env[key]?.trim();
      if (value) return value;
    }
    return undefined;
  };
  const httpProxy = pick('http_proxy');
  const httpsProxy = pick('https_proxy');
  const noProxy = pick('no_proxy');
  return { ...(httpProxy ? { httpProxy } : {}), ...(httpsProxy ? { httpsProxy } : {}), ...(noProxy ? { noProxy } : {}) };
}

interface Timeouts {
  /** Seconds to open a connection (TCP and TLS). */
  connect: number;
  /** Seconds to the headers of an answer. */
  response: number;
  /** Seconds a body may go without a byte. */
  idle: number;
  /** Seconds from the last byte of an upload to the headers of its answer. */
  uploadAnswer: number;
}

/** An undici dispatcher that honours the proxy environment, with the given TLS and timeouts. */
function proxiedAgent(tls: { ca?: string[]; cert?: string; key?: string; rejectUnauthorized?: boolean }, timeouts: Timeouts): Dispatcher {
  const proxies = proxyEnvironment();
  return new EnvHttpProxyAgent({
    // undici reads the variables itself when an option is absent; passing '' for an absent one stops that. As in
    // undici (and unlike Go), HTTPS requests use http_proxy when https_proxy is unset.
    httpProxy: proxies.httpProxy ?? '',
    httpsProxy: proxies.httpsProxy ?? '',
    noProxy: proxies.noProxy ?? '',
    // undici's connect timeout runs until the TLS handshake is done, as Go's Dialer plus TLSHandshakeTimeout
    connect: { ...tls, timeout: Math.round(timeouts.connect * 1000) },
    requestTls: tls,
    headersTimeout: Math.round(timeouts.response * 1000),
    // undici's body timeout is an idle timeout: it restarts with every chunk; undici takes whole milliseconds only
    bodyTimeout: Math.round(timeouts.idle * 1000),
  });
}

/** One dispatcher per registry host, so each gets its own CAs; shared by every client in the process. */
const dispatchers = new Map<string, Dispatcher>();

function dispatcherFor(host: string, certsDir: string, timeouts: Timeouts): Dispatcher {
  const key = `${host}|${certsDir}|${timeouts.connect}|${timeouts.response}|${timeouts.idle}`;
  let d = dispatchers.get(key);
  if (!d) {
    d = proxiedAgent(tlsFor(host, certsDir), timeouts);
    dispatchers.set(key, d);
  }
  return d;
}

/** Closes every pooled connection (CLI exit, tests). */
export async function closeConnections(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((d) => d.close()));
}

/**
 * The HTTP side of one registry: resolves the scheme once (HTTPS, or plain HTTP for insecure registries when
 * HTTPS fails, as Docker does), then sends requests with retries.
 */
export class RegistryTransport {
  readonly host: string;
  private readonly insecure: boolean;
  private base: Promise<URL> | undefined;
  readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeouts: Timeouts;
  /** Seconds from a request's start to its answer, retries included. */
  readonly deadline: number;
  private readonly certsDir: string;
  readonly events: EventSink;
  readonly signal: AbortSignal | undefined;

  constructor(host: string, options: TransportOptions = {}) {
    this.host = host;
    this.insecure = isInsecure(host, options.insecure);
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? Number(process.env.SHIPSHAPE_REGISTRY_BACKOFF_MS ?? 250);
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.deadline = options.deadline ?? defaultTimeouts.deadline;
    // no single wait longer than the whole request may take
    this.timeouts = {
      connect: Math.min(options.connectTimeout ?? defaultTimeouts.connectTimeout, this.deadline),
      response: Math.min(options.responseTimeout ?? defaultTimeouts.responseTimeout, this.deadline),
      idle: options.timeout ?? defaultIdleTimeout(this.deadline),
      uploadAnswer: options.timeout ?? defaultUploadAnswerTimeout,
    };
    this.certsDir = options.certsDir ?? process.env.SHIPSHAPE_DOCKER_CERTS_DIR ?? '/etc/docker/certs.d';
    this.events = options.events ?? silent;
    this.signal = options.signal;
  }

  get subject(): string {
    return `registry ${this.host}`;
  }

  /** `https://host/` or, for an insecure registry that does not speak TLS, `http://host/`. */
  baseUrl(): Promise<URL> {
    this.base ??= this.resolveBase();
    return this.base;
  }

  /** Milliseconds the scheme probe took that no request has counted against its deadline yet. */
  private probeMs = 0;

  private async resolveBase(): Promise<URL> {
    const https = new URL(`https://${this.host}/`);
    if (!this.insecure) return https;
    // Docker tries TLS first even for insecure registries, then falls back to plain HTTP.
    const started = Date.now();
    const signals = [AbortSignal.timeout(Math.round(this.deadline * 1000)), ...(this.signal === undefined ? [] : [this.signal])];
    try {
      const res = await request(new URL('/v2/', https), { method: 'GET', dispatcher: this.dispatcher(true), signal: AbortSignal.any(signals) });
      await readBounded(res.body, 0);
      return https;
    } catch {
      this.signal?.throwIfAborted();
      return new URL(`http://${this.host}/`);
    } finally {
      // a registry that never answers makes the probe wait out a timeout: the request it was for pays it
      this.probeMs = Date.now() - started;
    }
  }

  /** The probe time not yet counted, counted now. */
  private takeProbeTime(): number {
    const ms = this.probeMs;
    this.probeMs = 0;
    return ms;
  }

  private insecureDispatcher: Dispatcher | undefined;

  private dispatcher(skipVerify = false): Dispatcher {
    if (skipVerify && this.insecure) {
      // Docker does not verify certificates of insecure registries.
      this.insecureDispatcher ??= proxiedAgent({ rejectUnauthorized: false }, this.timeouts);
      return this.insecureDispatcher;
    }
    return dispatcherFor(this.host, this.certsDir, this.timeouts);
  }

  /** The wait before retry `attempt` (1-based): Retry-After when the server said, else jittered exponential backoff. */
  private backoffDelay(attempt: number, retryAfterMs?: number): number {
    const exp = this.backoffMs * 2 ** (attempt - 1);
    const jittered = exp / 2 + Math.random() * (exp / 2);
    return Math.min(this.maxBackoffMs, retryAfterMs ?? jittered);
  }

  /** Waits before retry `attempt` (1-based): Retry-After when the server said, else jittered exponential backoff. */
  async backoff(attempt: number, retryAfterMs?: number): Promise<void> {
    await this.wait(attempt, this.backoffDelay(attempt, retryAfterMs));
  }

  /**
   * Waits before retry `attempt` (1-based) as `backoff` does, unless the wait would end at or after `until` (ms
   * since the epoch): then it returns false at once, as no retry may start after a deadline.
   */
  async backoffWithin(attempt: number, until: number): Promise<boolean> {
    const delay = this.backoffDelay(attempt);
    if (Date.now() + delay >= until) return false;
    await this.wait(attempt, delay);
    return true;
  }

  private async wait(attempt: number, ms: number): Promise<void> {
    this.events({ kind: 'log', level: 'debug', message: `${this.subject}: retry ${attempt}/${this.retries} in ${Math.round(ms)} ms` });
    await sleep(ms, undefined, this.signal === undefined ? {} : { signal: this.signal });
  }

  /** What a network failure was, in words: `timed out: no connection within 10 s`, `connection failed (ECONNRESET)`. */
  describeFailure(error: unknown, answerSeconds = this.timeouts.response): string {
    const code = networkErrorCode(error);
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return `timed out: no connection within ${this.timeouts.connect} s`;
    if (code === 'UND_ERR_HEADERS_TIMEOUT') return `timed out: no answer within ${formatSeconds(answerSeconds)} s`;
    if (code === 'UND_ERR_BODY_TIMEOUT') return `timed out: no data for ${formatSeconds(this.timeouts.idle)} s`;
    return `connection failed (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }

  /**
   * Sends a request and returns the first answer whose status is in `expect`. 401 is answered through the
   * authorizer once; 429/5xx and broken connections are retried; other statuses fail at once: 404 as `not-found`,
   * the rest as `external`, with the registry's own error text.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    return this.exchange(req, (res) => Promise.resolve(res), false);
  }

  /**
   * Sends a request and reads the whole answer with `read`, the body counting as part of the answer: a body that
   * goes quiet for `timeout` or breaks is asked for again as an answer that never came would be (when the request
   * is harmless to repeat), and the deadline bounds every attempt's body too, so that a manifest or a page of tags
   * costs at most `deadline` seconds however the registry stalls. For small answers read whole, never for blobs
   * (those resume with Range and are bounded only by idleness).
   */
  async fetch<T>(req: HttpRequest, read: (res: HttpResponse) => Promise<T>): Promise<T> {
    return this.exchange(req, read, true);
  }

  private async exchange<T>(req: HttpRequest, read: (res: HttpResponse) => Promise<T>, bodyInAnswer: boolean): Promise<T> {
    let url = req.url;
    let attempt = 0;
    let redirects = 0;
    let authRetried = false;
    let lastProblem = '';
    const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
    const idempotent = req.idempotent ?? idempotentMethods.has(req.method);
    const registryOrigin = (await this.baseUrl()).origin;
    const started = Date.now() - this.takeProbeTime();
    const deadlineAt = req.deadlineAt ?? started + this.deadline * 1000;
    const attempts = (): string => (attempt > 0 ? ` after ${attempt + 1} attempts` : '');
    /** The wait before another attempt, or undefined when the retries or the deadline are spent. */
    const retryDelay = (retryAfterMs?: number): number | undefined => {
      if (attempt >= this.retries) return undefined;
      const delay = this.backoffDelay(attempt + 1, retryAfterMs);
      return Date.now() + delay < deadlineAt ? delay : undefined;
    };
    // what this request sent, so that an error body echoing it is not repeated in the message
    const secrets = new Set<string>(req.secrets);
    for (;;) {
      this.signal?.throwIfAborted();
      const onRegistry = url.origin === registryOrigin;
      const headers: Record<string, string> = { 'user-agent': 'shipshape', ...req.headers };
      if (url.origin !== req.url.origin) {
        // Credentials the caller set (Basic to a token service) are for the host it named; a redirect elsewhere gets
        // none, as Go's net/http drops Authorization on a redirect to another host.
        for (const name of Object.keys(headers)) if (/^(authorization|cookie)$/i.test(name)) Reflect.deleteProperty(headers, name);
      }
      if (onRegistry && req.authorizer) {
        const auth = await req.authorizer.header(url);
        if (auth !== undefined) headers.authorization = auth;
      }
      noteSecrets(secrets, url, headers.authorization);
      let res: Dispatcher.ResponseData;
      // A request is answered within the deadline or cut there; a blob upload is bounded by idleness instead, as the
      // time to send it grows with its size. A token form or a manifest is small: a registry or token service that
      // takes it and never answers must not hold the request for the upload answer limit of every attempt.
      const cut = req.upload === true ? undefined : new AbortController();
      const timer = cut === undefined ? undefined : setTimeout(() => { cut.abort(); }, Math.max(0, deadlineAt - Date.now()));
      const signals = [this.signal, cut?.signal].filter((s) => s !== undefined);
      try {
        try {
          const body = req.body ? await req.body() : undefined;
          res = await request(url, {
            method: req.method,
            headers,
            body: body ?? null,
            dispatcher: this.dispatcher(onRegistry),
            // the registry checks an upload before it answers, for longer the larger the blob
            headersTimeout: Math.round((body === undefined ? this.timeouts.response : this.timeouts.uploadAnswer) * 1000),
            ...(signals.length === 0 ? {} : { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }),
          });
        } catch (error) {
          if (error instanceof ShipshapeError) throw error;
          this.signal?.throwIfAborted();
          if (cut?.signal.aborted === true) {
            throw externalFailure(this.subject, `${req.what}: timed out: no answer within ${this.deadline} s${attempt > 0 ? ` (${attempt + 1} attempts)` : ''}`, error);
          }
          const tlsCode = tlsErrorCode(error);
          if (tlsCode !== undefined) {
            // Not worth a retry: the same certificate comes back. Say where trust comes from, as Docker's message does.
            throw externalFailure(
              this.subject,
              `${req.what}: TLS certificate not trusted (${tlsCode}); add its CA to ${this.certsDir}/${this.host}/ca.crt or NODE_EXTRA_CA_CERTS, or list the registry under registry.insecure`,
              error,
            );
          }
          lastProblem = this.describeFailure(error, req.body === undefined ? this.timeouts.response : this.timeouts.uploadAnswer);
          const code = networkErrorCode(error);
          const delay = isRetryableError(error) && (idempotent || (code !== undefined && notSentCodes.has(code))) ? retryDelay() : undefined;
          if (delay !== undefined) {
            attempt++;
            await this.wait(attempt, delay);
            continue;
          }
          throw externalFailure(this.subject, `${req.what}: ${lastProblem}${attempts()}`, error);
        }
        const response: HttpResponse = { statusCode: res.statusCode, headers: res.headers, body: res.body, url };
        if (req.expect.includes(res.statusCode)) {
          // a body read apart from the request (a blob) is bounded by idleness alone
          if (!bodyInAnswer) clearTimeout(timer);
          try {
            return await read(response);
          } catch (error) {
            if (error instanceof ShipshapeError) throw error;
            this.signal?.throwIfAborted();
            if (cut?.signal.aborted === true) {
              throw externalFailure(this.subject, `${req.what}: timed out: no complete answer within ${this.deadline} s${attempt > 0 ? ` (${attempt + 1} attempts)` : ''}`, error);
            }
            // the answer began and then stopped or broke: as if it never came
            lastProblem = this.describeFailure(error);
            const code = networkErrorCode(error);
            const broken = isRetryableError(error) || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
            const delay = broken && idempotent ? retryDelay() : undefined;
            if (delay !== undefined) {
              attempt++;
              await this.wait(attempt, delay);
              continue;
            }
            throw externalFailure(this.subject, `${req.what}: ${lastProblem}${attempts()}`, error);
          }
        }

        const location = header(res.headers, 'location');
        if (follow && res.statusCode >= 300 && res.statusCode < 400 && location !== undefined) {
          await readBounded(res.body, 0);
          if (++redirects > maxRedirects) throw externalFailure(this.subject, `${req.what}: more than ${maxRedirects} redirects`);
          url = new URL(location, url);
          continue;
        }
        if (res.statusCode === 401 && onRegistry && req.authorizer && !authRetried) {
          await readBounded(res.body);
          authRetried = true;
          if (await req.authorizer.challenge(url, header(res.headers, 'www-authenticate'))) continue;
          // credentials that were sent and refused want correcting, not a login that would store the same ones
          const why = headers.authorization === undefined ? `no usable credentials; try shipshape login ${this.host}` : 'credentials rejected';
          throw externalFailure(this.subject, `${req.what}: answered 401 Unauthorized (${why})`);
        }
        // redacted before it is trimmed, so that no cut-off piece of a secret survives
        const errorBody = describeErrorBody(Buffer.from(redactSecrets((await readBounded(res.body)).toString('utf8'), secrets)));
        const where = onRegistry ? '' : ` (redirected to ${url.host})`;
        lastProblem = `answered ${statusLine(res.statusCode)}${errorBody.text ? ` (${errorBody.text})` : ''}${where}`;
        // a 429 says the registry did nothing; other statuses may come after it acted
        if (retryableStatuses.has(res.statusCode) && (idempotent || res.statusCode === 429)) {
          const delay = retryDelay(res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined);
          if (delay !== undefined) {
            attempt++;
            await this.wait(attempt, delay);
            continue;
          }
        }
        const message = `${req.what}: ${lastProblem}${attempts()}`;
        if (res.statusCode === 404) throw notFound(this.subject, message);
        if (res.statusCode === 400 && errorBody.code !== undefined && /INVALID|UNSUPPORTED/.test(errorBody.code)) throw invalidInput(this.subject, message);
        throw externalFailure(this.subject, message);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
