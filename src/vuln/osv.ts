/** The part of the OSV schema (https://ossf.github.io/osv-schema/) that matching reads, validated with Zod. */
import { z } from 'zod';

const event = z.union([
  z.object({ introduced: z.string() }),
  z.object({ fixed: z.string() }),
  z.object({ last_affected: z.string() }),
  z.object({ limit: z.string() }),
]);

export const osvSchema = z.looseObject({
  schema_version: z.string().optional(),
  id: z.string().min(1),
  modified: z.string().min(1),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  upstream: z.array(z.string()).optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(z.looseObject({ type: z.string(), score: z.string() })).optional(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ ecosystem: z.string(), name: z.string(), purl: z.string().optional() }).optional(),
        severity: z.array(z.looseObject({ type: z.string(), score: z.string() })).optional(),
        ranges: z.array(z.looseObject({ type: z.enum(['GIT', 'SEMVER', 'ECOSYSTEM']), repo: z.string().optional(), events: z.array(event) })).optional(),
        versions: z.array(z.string()).optional(),
        ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
        database_specific: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  references: z.array(z.looseObject({ type: z.string(), url: z.string() })).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export type Osv = z.infer<typeof osvSchema>;
export type OsvAffected = NonNullable<Osv['affected']>[number];
export type OsvRange = NonNullable<OsvAffected['ranges']>[number];
