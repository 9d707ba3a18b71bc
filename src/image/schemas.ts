/** Zod schemas for manifests, indexes and configs: every one of them crosses a trust boundary. */
import { z } from 'zod';
import type { Digest } from './types.js';

const digestRe = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;
export const digestSchema = z.string().regex(digestRe, 'not a valid digest').transform((s) => s as Digest);

export const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
});

export const descriptorSchema = z.looseObject({
  mediaType: z.string().min(1),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
  artifactType: z.string().optional(),
});

export const manifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const indexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const nullableStrings = z.array(z.string()).nullable().optional();

export const configSchema = z.looseObject({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).nullable().optional(),
  config: z
    .looseObject({
      User: z.string().optional(),
      ExposedPorts: z.record(z.string(), z.object({})).nullable().optional(),
      Env: z.array(z.string()).nullable().optional(),
      Entrypoint: nullableStrings,
      Cmd: nullableStrings,
      Volumes: z.record(z.string(), z.object({})).nullable().optional(),
      WorkingDir: z.string().optional(),
      Labels: z.record(z.string(), z.string()).nullable().optional(),
      StopSignal: z.string().optional(),
      Shell: z.array(z.string()).nullable().optional(),
      OnBuild: nullableStrings,
      ArgsEscaped: z.boolean().optional(),
      Healthcheck: z
        .looseObject({
          Test: z.array(z.string()).nullable().optional(),
          Interval: z.number().optional(),
          Timeout: z.number().optional(),
          StartPeriod: z.number().optional(),
          StartInterval: z.number().optional(),
          Retries: z.number().optional(),
        })
        .optional(),
    })
    .nullable()
    .optional(),
  rootfs: z.looseObject({ type: z.literal('layers'), diff_ids: z.array(digestSchema) }),
  history: z
    .array(
      z.looseObject({
        created: z.string().optional(),
        created_by: z.string().optional(),
        author: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .nullable()
    .optional(),
});
