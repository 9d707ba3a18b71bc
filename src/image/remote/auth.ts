/**
 * Registry authentication (distribution spec "Token Authentication Specification" and "OAuth2"): the `/v2/` ping
 * tells the scheme; Basic sends the credentials; Bearer exchanges them (or nothing, for anonymous pulls) at the
 * realm for a token scoped to `repository:<name>:<actions>`, cached per scope set until it expires, then refreshed.
 */
import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import { externalFailure } from '../../internal/errors.js';
import type { Credentials } from './credentials.js';
import { type Authorizer, header, type HttpResponse, redactUrl, type RegistryTransport } from './transport.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (RFC 7235 auth-params, quoted or token values). */
export function parseChallenge(value: string | undefined): Challenge | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m[2] ?? '';
  re.lastIndex = 0;
  let p: RegExpExecArray | null;
  while ((p = re.exec(rest)) !== null && p[0] !== '') {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

const tokenSchema = z.looseObject({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
});

/** Tokens without `expires_in` live 60 s (the spec's default); refreshed a little early. */
const defaultTokenSeconds = 60;
const earlyRefreshMs = 5_000;
const maxTokenBodyBytes = 1024 * 1024;

interface CachedToken {
  value: string;
  expires: number;
}

/**
 * Answers one registry's challenges. Scopes are those of the operation (pull of one repository, push to another
 * plus pull of a mount source); each scope set has its own cached token.
 */
export class RegistryAuth {
  private challengeSeen: Challenge | undefined;
  /** Per scope set; promises, so that concurrent requests share one token fetch. */
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private credentials: Promise<Credentials | undefined> | undefined;

  constructor(
    private readonly transport: RegistryTransport,
    private readonly lookup: () => Promise<Credentials | undefined>,
  ) {}

  private creds(): Promise<Credentials | undefined> {
    this.credentials ??= this.lookup();
    return this.credentials;
  }

  /** An authorizer for requests needing `scopes` (e.g. `repository:app:pull,push`). */
  for(scopes: readonly string[]): Authorizer {
    const key = [...scopes].sort().join(' ');
    return {
      header: async () => this.headerFor(scopes, key),
      challenge: async (_url, value) => {
        const parsed = parseChallenge(value);
        if (!parsed) return false;
        const known = this.challengeSeen;
        this.challengeSeen = parsed;
        // A token we sent was refused (expired, revoked, too narrow): drop it and try a fresh one once.
        this.tokens.delete(key);
        if (parsed.scheme === 'bearer') return true;
        // Basic: worth a retry only when we have credentials and did not send them yet.
        if (parsed.scheme === 'basic') return (await this.creds())?.username !== undefined && known?.scheme !== 'basic';
        return false;
      },
    };
  }

  private async headerFor(scopes: readonly string[], key: string): Promise<string | undefined> {
    const challenge = this.challengeSeen;
    if (!challenge) return undefined;
    const creds = await this.creds();
    if (challenge.scheme === 'basic') {
      if (creds?.username === undefined) return undefined;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    if (creds?.registryToken !== undefined) return `Bearer ${creds.registryToken}`;
    const cached = this.tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expires > Date.now()) return `Bearer ${token.value}`;
      if (this.tokens.get(key) !== cached) return this.headerFor(scopes, key);
    }
    const pending = this.fetchToken(challenge, scopes, creds);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return `Bearer ${(await pending).value}`;
  }

  /** Learns the registry's challenge from `GET /v2/` (go-containerregistry's ping). */
  async ping(): Promise<void> {
    const base = await this.transport.baseUrl();
    const res = await this.transport.send({ method: 'GET', url: new URL('/v2/', base), expect: [200, 401], what: 'pinging /v2/' });
    await buffer(res.body).catch(() => undefined);
    if (res.statusCode === 401) this.challengeSeen = parseChallenge(header(res.headers, 'www-authenticate'));
  }

  /** Checks that the credentials are accepted (what `docker login` does): a token without scopes, or an authorized ping. */
  async verify(): Promise<void> {
    await this.ping();
    const challenge = this.challengeSeen;
    if (!challenge) return;
    const authorizer = this.for([]);
    const base = await this.transport.baseUrl();
    const res = await this.transport.send({ method: 'GET', url: new URL('/v2/', base), expect: [200], what: 'logging in', authorizer });
    await buffer(res.body).catch(() => undefined);
  }

  private async fetchToken(challenge: Challenge, scopes: readonly string[], creds: Credentials | undefined): Promise<CachedToken> {
    const realm = challenge.params.realm;
    const subject = `token service of ${this.transport.host}`;
    if (realm === undefined) throw externalFailure(subject, 'the Bearer challenge names no realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw externalFailure(subject, 'the Bearer challenge names an invalid realm');
    }
    const allScopes = new Set(scopes);
    if (challenge.params.scope !== undefined) for (const s of challenge.params.scope.split(' ')) if (s) allScopes.add(s);
    const service = challenge.params.service;
    // read whole within the request, as the other small answers are: an answer that breaks or stops halfway is
    // asked for again under the same retry policy as a 5xx, a 429 or a reset connection before any header
    const read = (r: HttpResponse): Promise<Buffer> => readLimited(r.body, maxTokenBodyBytes, subject);
    let body: Buffer;
    if (creds?.identityToken !== undefined) {
      // OAuth2 refresh-token grant (distribution "oauth.md"), as docker does for identity tokens.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'shipshape' });
      if (service !== undefined) form.set('service', service);
      if (allScopes.size > 0) form.set('scope', [...allScopes].join(' '));
      body = await this.transport.fetch(
        {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: () => Buffer.from(form.toString()),
          expect: [200],
          what: `getting a token from ${redactUrl(url)}`,
          secrets: [creds.identityToken],
          // asking again gives another token; at worst (a service that rotates refresh tokens) it is refused
          idempotent: true,
        },
        read,
      );
    } else {
      if (service !== undefined) url.searchParams.set('service', service);
      for (const s of allScopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (creds?.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
      try {
        body = await this.transport.fetch({ method: 'GET', url, headers, expect: [200], what: `getting a token from ${redactUrl(url)}`, followRedirects: true }, read);
      } catch (error) {
        if (error instanceof Error && / 401 /.test(error.message)) throw externalFailure(subject, 'credentials rejected (401 Unauthorized)', error);
        throw error;
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw externalFailure(subject, 'answered something other than JSON');
    }
    const token = tokenSchema.safeParse(parsed);
    const value = token.success ? (token.data.token ?? token.data.access_token) : undefined;
    if (!token.success || value === undefined || value === '') throw externalFailure(subject, 'answered without a token');
    const seconds = token.data.expires_in ?? defaultTokenSeconds;
    return { value, expires: Date.now() + Math.max(1_000, seconds * 1000 - earlyRefreshMs) };
  }
}

/**
 * Reads a token answer of at most `limit` bytes; a body that breaks or goes quiet throws undici's error, which the
 * transport turns into another attempt or a one-line failure.
 */
async function readLimited(body: AsyncIterable<Buffer>, limit: number, subject: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw externalFailure(subject, `answer larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
