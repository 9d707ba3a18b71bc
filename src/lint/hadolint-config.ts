/**
 * An existing `.hadolint.yaml` (or `.hadolint.yml`): its ignored rules, severity overrides, trusted registries and
 * failure threshold apply, so a project moving from hadolint keeps its settings.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { invalidInput } from '../internal/errors.js';
import { describeIssue } from '../internal/zod-issues.js';
import type { LabelType, Severity } from './types.js';

/** hadolint's label-schema value types. */
export const labelTypes = ['text', 'url', 'semver', 'hash', 'rfc3339', 'spdx', 'email'] as const satisfies readonly LabelType[];

// finding the file needs neither yaml nor zod: a run without a .hadolint.yaml loads only hadolint-config-file.ts
export { findHadolintConfig } from './hadolint-config-file.js';

const names = z.array(z.string()).optional();
const hadolintSchema = z.looseObject({
  ignored: names,
  override: z.looseObject({ error: names, warning: names, info: names, style: names }).optional(),
  trustedRegistries: names,
  'failure-threshold': z.enum(['error', 'warning', 'info', 'style', 'ignore', 'none']).optional(),
  'label-schema': z.record(z.string().min(1), z.enum(labelTypes)).optional(),
  'strict-labels': z.boolean().optional(),
});

export interface HadolintSettings {
  path: string;
  ignored: string[];
  severity: Record<string, Severity>;
  trustedRegistries: string[];
  failureThreshold: Severity | 'none' | undefined;
  labelSchema: Record<string, LabelType>;
  strictLabels: boolean | undefined;
}

/** Reads a hadolint config file; errors name the file. */
export function readHadolintConfig(path: string): HadolintSettings {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw invalidInput(path, `invalid YAML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}`, error);
  }
  const parsed = hadolintSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput(path, describeIssue(parsed.error));
  const c = parsed.data;
  const severity: Record<string, Severity> = {};
  for (const level of ['error', 'warning', 'info', 'style'] as const) for (const id of c.override?.[level] ?? []) severity[id] = level;
  const t = c['failure-threshold'];
  return {
    path,
    ignored: c.ignored ?? [],
    severity,
    trustedRegistries: c.trustedRegistries ?? [],
    failureThreshold: t === undefined ? undefined : t === 'ignore' ? 'none' : t,
    labelSchema: c['label-schema'] ?? {},
    strictLabels: c['strict-labels'],
  };
}
