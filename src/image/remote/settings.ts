/**
 * The `registry` section of the configuration as transport options, apart from the transport itself so that a verb
 * can pass them on without loading the HTTP client.
 */
import type { TransportOptions } from './transport.js';

/** The defaults of the `registry` timeouts, in seconds (documented in docs/cli.md). */
export const defaultTimeouts = { connectTimeout: 10, responseTimeout: 20, timeout: 60, deadline: 45 } as const;

/** The `registry` section of the configuration, as far as the transport reads it. */
export interface RegistrySettings {
  insecure: readonly string[];
  timeout: number;
  connectTimeout: number;
  responseTimeout: number;
  deadline: number;
  retries: number;
}

/** Transport options from the `registry` section of the configuration. */
export function settingsOf(r: RegistrySettings): TransportOptions {
  return { insecure: r.insecure, timeout: r.timeout, connectTimeout: r.connectTimeout, responseTimeout: r.responseTimeout, deadline: r.deadline, retries: r.retries };
}
