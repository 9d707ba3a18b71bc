/**
 * The `registry` section of the configuration as transport options, apart from the transport itself so that a verb
 * can pass them on without loading the HTTP client.
 */
import type { TransportOptions } from './transport.js';

/** The defaults of the `registry` timeouts, in seconds (documented in docs/cli.md); `timeout` follows the deadline. */
export const defaultTimeouts = { connectTimeout: 10, responseTimeout: 20, deadline: 45 } as const;

/**
 * The idle limit of a body when `registry.timeout` is not set: a third of the deadline (15 s of 45 s), so that a
 * manifest or a page whose body stops after its headers is cut and asked for again at least twice before the
 * deadline ends the request; with an idle limit above the deadline the deadline always fired first and a stalled
 * body was never asked for again.
 */
export function defaultIdleTimeout(deadline: number): number {
  return deadline / 3;
}

/**
 * The wait for the answer to an upload when `registry.timeout` is not set: a registry checks (and may move) what was
 * sent before it answers, which takes time with the size of a blob rather than with the deadline of a small request.
 */
export const defaultUploadAnswerTimeout = 60;

/** The `registry` section of the configuration, as far as the transport reads it. */
export interface RegistrySettings {
  insecure: readonly string[];
  /** Unset: a third of `deadline` (see defaultIdleTimeout). */
  timeout?: number | undefined;
  connectTimeout: number;
  responseTimeout: number;
  deadline: number;
  retries: number;
}

/** Transport options from the `registry` section of the configuration. */
export function settingsOf(r: RegistrySettings): TransportOptions {
  return { insecure: r.insecure, ...(r.timeout === undefined ? {} : { timeout: r.timeout }), connectTimeout: r.connectTimeout, responseTimeout: r.responseTimeout, deadline: r.deadline, retries: r.retries };
}
