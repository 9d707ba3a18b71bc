/**
 * Rust binaries built with cargo-auditable: the `.dep-v0` section holds the dependency tree as zlib-compressed JSON
 * (`{"packages":[{name, version, source, kind?, dependencies?, root?}]}`, the format of its `auditable-serde` crate).
 * Every crate becomes a package (`pkg:cargo/<name>@<version>`); build-time crates (proc-macros, build scripts) are
 * kept, marked `dependencyKind: build`, because they shaped the binary.
 *
 * The `.dep-v0` format has no license field: a crate's license comes from its `Cargo.toml` where a copy of the crate
 * is at hand (a vendor directory or Cargo registry cache in the tree, or opt-in the host's; see crate-licenses.ts)
 * and otherwise stays empty (NOASSERTION in SPDX, none in CycloneDX).
 */
import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import { parseJson } from '../../../internal/parse-json.js';
import { binaryReducer, readBinaryEvidence } from '../../binaries.js';
import { type Cataloger, type CatalogResult, packageId, ResultBuilder } from '../../cataloger.js';
import { CrateLicenseFinder, cratePackage, wantsCrateLicenseFile } from './crate-licenses.js';

const name = 'rust-audit-binary-cataloger';
/** A dependency list larger than this once inflated is refused (a zip bomb in a section). */
const maxJsonBytes = 16 * 1024 * 1024;

const auditData = z.object({
  packages: z
    .array(
      z.object({
        name: z.string().min(1),
        version: z.string().min(1),
        source: z.string().optional(),
        kind: z.enum(['runtime', 'build']).optional(),
        dependencies: z.array(z.number().int().nonnegative()).optional(),
        root: z.boolean().optional(),
      }),
    )
    .max(100_000),
});

export type AuditData = z.output<typeof auditData>;

/** Inflates and validates a `.dep-v0` section. */
export function parseDepV0(section: Buffer, subject: string): AuditData {
  let json: Buffer;
  try {
    json = inflateSync(section, { maxOutputLength: maxJsonBytes });
  } catch (error) {
    throw new Error(`.dep-v0 is not zlib data of at most ${maxJsonBytes} bytes: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseJson(json, auditData, `${subject} .dep-v0`, 'a cargo-auditable dependency list');
}

export const rustAuditBinaryCataloger: Cataloger = {
  name,
  wants: wantsCrateLicenseFile,
  reducer: binaryReducer,
  catalog(files, ctx): CatalogResult {
    const out = new ResultBuilder(name);
    let finder: CrateLicenseFinder | undefined;
    for (const entry of files.entries()) {
      if (entry.type !== 'file') continue;
      const section = readBinaryEvidence(files, entry.path)?.cargoAuditable;
      if (section === undefined) continue;
      out.guard(entry.path, () => {
        const data = parseDepV0(Buffer.from(section, 'base64'), entry.path);
        const bad = data.packages.find((p) => (p.dependencies ?? []).some((d) => d >= data.packages.length));
        if (bad) throw new Error(`.dep-v0: package ${bad.name} depends on an index beyond the ${data.packages.length} packages`);
        finder ??= new CrateLicenseFinder(files, ctx.hostCaches?.cargoHome ? { hostCargoHome: ctx.hostCaches.cargoHome } : {});
        const licensesOf = finder;
        const ids = data.packages.map((p) => packageId('cargo', p.name, p.version, `${entry.path}#${p.source ?? ''}`));
        data.packages.forEach((p, i) => {
          // the root crate is the binary's own project, whose sources are not in a vendor directory or cache
          const found = p.root === true ? undefined : licensesOf.find(p);
          out.packages.push(
            cratePackage(name, entry, { id: ids[i] ?? '', name: p.name, version: p.version }, found, {
              files: p.root === true ? [entry.path] : [],
              metadata: { source: p.source, dependencyKind: p.kind ?? 'runtime', root: p.root === true },
              // .dep-v0 lists every crate's dependencies by index, each checked above to name a listed crate
              dependenciesKnown: true,
            }),
          );
          for (const d of p.dependencies ?? []) out.relationships.push({ from: ids[i] ?? '', to: ids[d] ?? '', type: 'depends-on' });
        });
      });
    }
    return out;
  },
};
