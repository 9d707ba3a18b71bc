/**
 * The configuration in force when there is no `.shipshape.yaml`: what `configSchema.parse({})` gives, written out so
 * that a run without a config file does not load zod and yaml (≈ 90 CPU-ms of a CLI start-up that lint wants under
 * 200 ms). `defaults.test.ts` checks it equals the schema's defaults: change both together.
 */
import type { Config } from './schema.js';

/** A fresh copy of the default configuration (callers may change it). */
export function defaultConfig(): Config {
  return {
    engine: { cli: 'docker' },
    registry: { insecure: [], mirrors: [], connectTimeout: 10, responseTimeout: 20, deadline: 45, retries: 4 },
    lint: { ignored: [], severity: {}, failureThreshold: 'warning', trustedRegistries: [], hadolint: true, labelSchema: {}, strictLabels: false },
    offline: false,
    analyze: { thresholds: {}, dive: {} },
    vuln: { db: { url: 'https://osv-vulnerabilities.storage.googleapis.com', ecosystems: [], stale: 'fail' } },
    sbom: { golang: { searchLocalModCacheLicenses: false }, rust: { searchLocalCargoLicenses: false } },
    base: { checkValidUntil: true, checkDate: true, recheckAfter: 3600, keepUnused: 2_592_000 },
  };
}
