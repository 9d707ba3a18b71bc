/**
 * Fetching from a Debian archive: bounded reads, retries on 5xx and dropped connections, proxies from the
 * environment (undici's EnvHttpProxyAgent; Node's global fetch ignores HTTPS_PROXY).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { externalFailure, invalidInput, notFound, ShipshapeError } from '../internal/errors.js';

let agent: EnvHttpProxyAgent | undefined;

function dispatcher(): EnvHttpProxyAgent {
  agent ??= new EnvHttpProxyAgent();
  return agent;
}

export interface FetchOptions {
  /** Retries after 5xx, 429 and dropped connections (default 3). */
  retries?: number;
  /** Stops the request (and any wait before a retry); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** GETs `url` fully into memory, refusing more than `limit` bytes. 404/410 throw `not-found`. */
export async function fetchBytes(url: string, limit: number, options: FetchOptions = {}): Promise<Buffer> {
  const { retries = 3, signal } = options;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    signal?.throwIfAborted();
    if (attempt > 0) await sleep(500 * 2 ** (attempt - 1), undefined, signal === undefined ? undefined : { signal }).catch(() => signal?.throwIfAborted());
    try {
      const timeout = AbortSignal.timeout(120_000);
      const response = await fetch(url, { dispatcher: dispatcher(), redirect: 'follow', signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) });
      if (response.status === 404 || response.status === 410) {
        await response.body?.cancel();
        throw notFound(url, `HTTP ${response.status}`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        lastError = externalFailure(url, `HTTP ${response.status}`);
        if (response.status >= 500 || response.status === 429) continue;
        throw lastError;
      }
      const declared = Number(response.headers.get('content-length') ?? '-1');
      if (declared > limit) {
        await response.body?.cancel();
        throw invalidInput(url, `is ${declared} bytes, over the ${limit}-byte limit`);
      }
      const chunks: Buffer[] = [];
      let seen = 0;
      if (response.body !== null) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          seen += chunk.byteLength;
          if (seen > limit) throw invalidInput(url, `more than the ${limit}-byte limit`);
          chunks.push(Buffer.from(chunk));
        }
      }
      return Buffer.concat(chunks);
    } catch (error) {
      signal?.throwIfAborted();
      if (error instanceof ShipshapeError && error.code !== 'external') throw error;
      lastError = error;
    }
  }
  if (lastError instanceof ShipshapeError) throw lastError;
  const message = lastError instanceof Error ? (lastError.cause instanceof Error ? lastError.cause.message : lastError.message) : String(lastError);
  throw externalFailure(url, `unreachable: ${message}`, lastError);
}
