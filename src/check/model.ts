/**
 * The check report: one project measured in up to three states — as the user's Dockerfile builds it (before),
 * as shipshape's fixed or generated Dockerfile builds it (after), and as `shipshape build` assembles it without
 * an engine (daemonless). JSON schema version 1 (docs/cli.md, "check").
 */

export const checkSchemaVersion = 1;

export type StateId = 'before' | 'after' | 'daemonless';

export const severityOrder = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type VulnerabilitySeverity = (typeof severityOrder)[number];

export interface BuildTimes {
  /** A build with no cache (`--no-cache`, or a daemonless build with cold caches), seconds. */
  coldSeconds: number;
  /** The rebuild after one source file changed, seconds. */
  warmSeconds?: number;
  /** The file whose content changed for the warm rebuild, relative to the project. */
  changedFile?: string;
}

export interface RemovableCategory {
  id: string;
  title: string;
  files: number;
  bytes: number;
}

export interface SecretSummary {
  rule: string;
  /** Layer and path, or config field: where it is. */
  where: string;
  /** Never the secret itself. */
  redacted: string;
}

/** What one built image measures. */
export interface ImageMeasurement {
  /** How the image was named when it was read (`docker-daemon:…`, `oci:…`). */
  reference: string;
  digest: string;
  /** Bytes a push transfers: the stored blobs, or their gzip size when the source stores them uncompressed. */
  compressedBytes: number;
  /** Sum of the layer tars. */
  uncompressedBytes: number;
  /** Bytes the final filesystem shows. */
  visibleBytes: number;
  layers: number;
  /** Leading layers that are the base image's (secrets are looked for in the layers after them). */
  baseLayers: number;
  /** Bytes shipped but hidden by later layers. */
  wastedBytes: number;
  efficiency: number;
  removable: RemovableCategory[];
  removableBytes: number;
  packages: number;
  packagesByType: Record<string, number>;
  /** Known vulnerabilities by severity; undefined when no vulnerability database is imported. */
  vulnerabilities?: Record<VulnerabilitySeverity, number>;
  /** The user the container runs as (`root` when none is set). */
  user: string;
  runsAsRoot: boolean | undefined;
  secrets: SecretSummary[];
}

export interface CheckState {
  id: StateId;
  /** A short column title. */
  title: string;
  /** How the image was made, one line. */
  how: string;
  /** The Dockerfile built (as it would be written to the project, bases not substituted). */
  dockerfile?: string;
  built: boolean;
  /** Why the state was not built or not measured: one line. */
  note?: string;
  /** Set when the engine or a registry failed to build it (for an after state: exit 4). */
  failure?: 'external';
  build?: BuildTimes;
  image?: ImageMeasurement;
}

export interface ContextFigures {
  /** Bytes and files `docker build` sends with the state's `.dockerignore`. */
  bytes: number;
  files: number;
}

export interface LintFindingSummary {
  rule: string;
  severity: string;
  line: number;
  message: string;
}

export interface FileChange {
  /** Relative to the project directory. */
  path: string;
  /** `created`, `changed` or `unchanged` (what `--write` does or would do). */
  action: 'created' | 'changed' | 'unchanged';
  /** A unified diff from the project's file to shipshape's. */
  diff?: string;
}

export interface GateSummary {
  /** Which state the thresholds were applied to. */
  state: StateId;
  passed: boolean;
  checks: { id: string; limit: string; actual: string; passed: boolean; message: string }[];
}

export interface CheckReport {
  schemaVersion: typeof checkSchemaVersion;
  project: string;
  app?: { ecosystem: string; name: string; path: string };
  engine: { cli: string; available: boolean; version?: string; reason?: string };
  lint: { findings: LintFindingSummary[]; fixed: string[] };
  context: { before: ContextFigures; after: ContextFigures; secretFiles: string[] };
  /** Records in the vulnerability database; 0 means none imported. */
  vulnerabilityDb: { records: number; updatedAt?: string };
  states: CheckState[];
  changes: FileChange[];
  /** Files `--write` wrote into the project. */
  written: string[];
  gate?: GateSummary;
  notes: string[];
}

export const noVulnerabilityDbNote = 'no vulnerability database imported — run `shipshape db import FILE|DIR` (OSV JSON files or a zip of them)';
