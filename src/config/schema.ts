/**
 * `.shipshape.yaml`: one schema for every verb, strict so that a misspelt key is an error, not a silent no-op.
 * Each engine owns its section; add sections here as verbs grow.
 */
import { z } from 'zod';

export const engineSchema = z.strictObject({
  /** The docker-compatible CLI to run for builds and runs (`docker`, `/usr/bin/docker`, `podman`). */
  cli: z.string().min(1).default('docker'),
  /** Network for builds and containers shipshape runs (`host`, `none`, `default`). */
  network: z.string().min(1).optional(),
  /** Engine API endpoint; defaults to `DOCKER_HOST`, then the local unix socket. */
  host: z.string().min(1).optional(),
});

export const registrySchema = z.strictObject({
  /** Registries reached over plain HTTP besides Docker's defaults (127.0.0.0/8, localhost). */
  insecure: z.array(z.string().min(1)).default([]),
  /** Mirrors tried, in order, before docker.io itself. */
  mirrors: z.array(z.string().min(1)).default([]),
  /**
   * Seconds a body (a blob download or upload, a manifest) may go without a byte: an idle limit, so a long transfer
   * that moves is never cut. Unset: a third of `deadline`, so that a body that stops is asked for again in time.
   */
  timeout: z.number().positive().optional(),
  /** Seconds to open a connection (TCP and TLS). */
  connectTimeout: z.number().positive().default(10),
  /** Seconds to wait for the answer to a request (its status and headers). */
  responseTimeout: z.number().positive().default(20),
  /** Seconds one request may take until it is answered, retries and their waits included (`--registry-timeout`). */
  deadline: z.number().positive().default(45),
  /** Retries for 429, 5xx, reset connections and timeouts, within the deadline. */
  retries: z.number().int().min(0).max(10).default(4),
});

const sizeMessage = 'a size such as 200MB, 1.5GiB or 1000';
const ratioMessage = 'a ratio 0–1 or a percentage such as 10%';
// a value neither branch of a union takes (YAML's .nan, 1.5 bytes, true) gets the field's own words, not Zod's
// "Invalid input"; a value one branch takes in type (5 as a ratio) keeps that branch's message ("Too big")

/** A byte size: a number of bytes or a string with a unit as dive writes them (`20MB` = 20·10⁶, `20MiB` = 20·2²⁰). */
export const byteSizeSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\s*\d+(?:\.\d+)?\s*(?:[kmgt]i?)?b?\s*$/i, sizeMessage)], { error: sizeMessage });
/** A ratio in [0, 1] (`0.95`) or a percentage string (`95%`). */
export const ratioSchema = z.union([z.number().min(0).max(1), z.string().regex(/^\s*\d+(?:\.\d+)?\s*%\s*$/, ratioMessage)], { error: ratioMessage });

/** `analyze` thresholds: the CI gate. Any threshold set makes `shipshape analyze` exit 1 when it fails. */
export const analyzeSchema = z.strictObject({
  thresholds: z
    .strictObject({
      /** Bytes the final filesystem shows. */
      maxSize: byteSizeSchema.optional(),
      /** Sum of compressed layer blobs (what a pull transfers). */
      maxCompressedSize: byteSizeSchema.optional(),
      /** Corrected efficiency: visible bytes ÷ shipped bytes. */
      minEfficiency: ratioSchema.optional(),
      /** Corrected wasted bytes (shipped but hidden). */
      maxWastedBytes: byteSizeSchema.optional(),
      /** Corrected wasted bytes ÷ shipped bytes. */
      maxWastedPercent: ratioSchema.optional(),
      forbidRoot: z.boolean().optional(),
      /** Removable categories that must be empty (`vcs`, `package-manager-cache`, …). */
      forbidCategories: z.array(z.string().min(1)).optional(),
      /** Fail on secret-looking ENV, labels or history. */
      forbidSecrets: z.boolean().optional(),
    })
    .default({}),
  /** dive's `.dive-ci` rules, evaluated on dive's own figures; `disabled` turns one off. */
  dive: z
    .strictObject({
      lowestEfficiency: z.union([ratioSchema, z.literal('disabled')], { error: `${ratioMessage}, or disabled` }).optional(),
      highestWastedBytes: z.union([byteSizeSchema, z.literal('disabled')], { error: `${sizeMessage}, or disabled` }).optional(),
      highestUserWastedPercent: z.union([ratioSchema, z.literal('disabled')], { error: `${ratioMessage}, or disabled` }).optional(),
    })
    .default({}),
});

const lintSeverity = z.enum(['error', 'warning', 'info', 'style']);

export const lintSchema = z.strictObject({
  /** Rule ids or aliases (`DL3008`, `buildkit:StageNameCasing`) never reported. */
  ignored: z.array(z.string().min(1)).default([]),
  /** Severity per rule id or alias; `off` disables the rule. */
  severity: z.record(z.string().min(1), z.union([lintSeverity, z.literal('off')])).default({}),
  /** The least severe finding that fails the run (exit 1, or `--exit-code`); `none` never fails. */
  failureThreshold: z.union([lintSeverity, z.literal('none')]).default('warning'),
  /** Registries base images may come from (`docker.io`, `registry.example.com`); empty allows any. */
  trustedRegistries: z.array(z.string().min(1)).default([]),
  /** Read an existing `.hadolint.yaml` too (ignored, override, trustedRegistries, failure-threshold, label-schema, strict-labels). */
  hadolint: z.boolean().default(true),
  /** Labels the final image must carry and the type of each value (`text`, `url`, `semver`, `hash`, `rfc3339`, `spdx`, `email`). */
  labelSchema: z.record(z.string().min(1), z.enum(['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'])).default({}),
  /** Only the labels of `labelSchema` are allowed. */
  strictLabels: z.boolean().default(false),
});

export type LintConfig = z.infer<typeof lintSchema>;

/** `scan` and `db update`: where vulnerability data comes from and how old it may be. */
export const vulnSchema = z.strictObject({
  db: z
    .strictObject({
      /** Base URL of an OSV export: `<url>/<Ecosystem>/all.zip` (the public OSV bucket by default). */
      url: z.url({ protocol: /^https?$/ }).default('https://osv-vulnerabilities.storage.googleapis.com'),
      /** OSV ecosystems `db update` downloads (`Debian:12`, `npm`); empty: those already in the database. */
      ecosystems: z.array(z.string().min(1)).default([]),
      /** A sha256sum-style list (`<hex>  <Ecosystem>/all.zip`), as a file or URL, that downloads must match. */
      checksums: z.string().min(1).optional(),
      /** Hours after which `scan` treats the database as stale. */
      maxAge: z.number().positive().optional(),
      /** What `scan` does with a stale database: fail (exit 4) or warn. */
      stale: z.enum(['fail', 'warn']).default('fail'),
    })
    .default({ url: 'https://osv-vulnerabilities.storage.googleapis.com', ecosystems: [], stale: 'fail' }),
  /** Ignore file read by `scan` (relative to the config file); `.shipshape-ignore.yaml` beside it by default. */
  ignoreFile: z.string().min(1).optional(),
});

export type VulnConfig = z.infer<typeof vulnSchema>;

/** `sbom`: package caches of this machine that license lookups may read (syft's `golang.search-local-mod-cache-licenses`). */
export const sbomSchema = z.strictObject({
  golang: z
    .strictObject({
      /** Read module licenses from this machine's Go module cache too (vendor/ and caches in the scanned tree always are). */
      searchLocalModCacheLicenses: z.boolean().default(false),
      /** The module cache: GOMODCACHE, else the first GOPATH entry's `pkg/mod`, else `~/go/pkg/mod`. */
      localModCacheDir: z.string().min(1).optional(),
    })
    .default({ searchLocalModCacheLicenses: false }),
  rust: z
    .strictObject({
      /** Read crate licenses from this machine's Cargo registry cache too (vendor/ and caches in the scanned tree always are). */
      searchLocalCargoLicenses: z.boolean().default(false),
      /** The Cargo home whose `registry/src/` holds unpacked crates: CARGO_HOME, else `~/.cargo`. */
      cargoHome: z.string().min(1).optional(),
    })
    .default({ searchLocalCargoLicenses: false }),
});

export type SbomConfig = z.infer<typeof sbomSchema>;

/** `base build`, `base update` and the base `build` assembles: how the Debian archive's InRelease is trusted. */
export const baseSchema = z.strictObject({
  /** Refuse an InRelease past its `Valid-Until` (apt's `Acquire::Check-Valid-Until`); false for snapshot archives. */
  checkValidUntil: z.boolean().default(true),
  /** Refuse an InRelease dated ahead of this machine's clock (apt's `Acquire::Check-Date`). */
  checkDate: z.boolean().default(true),
  /** Seconds after its `Date` an InRelease stays valid at most (apt's `Acquire::Max-ValidTime`), `Valid-Until` or not. */
  maxValidTime: z.number().int().positive().optional(),
  /** Seconds after its `Date` an InRelease stays valid at least (apt's `Acquire::Min-ValidTime`): extends a shorter `Valid-Until`. */
  minValidTime: z.number().int().positive().optional(),
  /**
   * Seconds a base `build` assembled stays current without asking the archive again (its InRelease files): within
   * them a build reuses the base it checked last, as `docker build` reuses a pulled base; 0 asks on every build.
   * `build --watch` waits as long before it resolves a `--base` named by tag again.
   */
  recheckAfter: z.number().int().nonnegative().default(3600),
  /**
   * Seconds a cached base of another recipe (another Node.js binary, preset or architecture) is kept after a build
   * last used it: a build storing or using a base removes older ones. 30 days by default, so a recipe built monthly
   * (a maintenance branch) keeps its base; 0 keeps them all.
   */
  keepUnused: z.number().int().nonnegative().default(2_592_000),
});

export type BaseConfig = z.infer<typeof baseSchema>;

export const configSchema = z.strictObject({
  engine: engineSchema.default({ cli: 'docker' }),
  registry: registrySchema.default({ insecure: [], mirrors: [], connectTimeout: 10, responseTimeout: 20, deadline: 45, retries: 4 }),
  lint: lintSchema.default({ ignored: [], severity: {}, failureThreshold: 'warning', trustedRegistries: [], hadolint: true, labelSchema: {}, strictLabels: false }),
  /** Where downloaded blobs, packages and databases are kept. Relative paths resolve from the config file. */
  cacheDir: z.string().min(1).optional(),
  /** Never reach the network: registries, package archives. */
  offline: z.boolean().default(false),
  analyze: analyzeSchema.default({ thresholds: {}, dive: {} }),
  vuln: vulnSchema.default({ db: { url: 'https://osv-vulnerabilities.storage.googleapis.com', ecosystems: [], stale: 'fail' } }),
  sbom: sbomSchema.default({ golang: { searchLocalModCacheLicenses: false }, rust: { searchLocalCargoLicenses: false } }),
  base: baseSchema.default({ checkValidUntil: true, checkDate: true, recheckAfter: 3600, keepUnused: 2_592_000 }),
});

export type Config = z.infer<typeof configSchema>;
