/**
 * Platforms: parsing `os/arch[/variant]`, matching them as containerd's platform matcher does (`x86_64` is `amd64`,
 * `aarch64` is `arm64`; amd64's default variant is v1, arm64's v8, arm's v7; a newer variant also runs the older
 * ones), and selecting the best image for a platform from an index (nested indexes included).
 */
import { invalidInput, notFound } from '../../internal/errors.js';
import { isIndexMediaType } from '../media-types.js';
import type { Digest, Image, ImageIndex, Platform } from '../types.js';

/**
 * Architecture names folded to the OCI ones, with the variant they imply (containerd's `normalizeArch`): Debian's
 * `armhf` is arm/v7 and `armel` arm/v6.
 */
const archAliases: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  i386: { architecture: '386' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

/**
 * Variants each architecture writes in more than one way, mapped to one form: amd64's baseline `v1` is the same as
 * no variant, as arm64's `v8` is; arm without a variant is arm/v7 (containerd's defaults).
 */
const variantSpellings: Record<string, Record<string, string>> = {
  amd64: { v1: '' },
  arm64: { '8': '', v8: '', 'v8.0': '', '9': 'v9', '9.0': 'v9', 'v9.0': 'v9' },
  arm: { '': 'v7', '5': 'v5', '6': 'v6', '7': 'v7', '8': 'v8' },
};

/** `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw invalidInput(`platform "${text}"`, 'expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64 or linux/arm64/v8');
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

interface NormalPlatform {
  os: string;
  architecture: string;
  variant: string;
}

function normalise(p: Platform): NormalPlatform {
  const alias = archAliases[p.architecture.toLowerCase()];
  const architecture = alias?.architecture ?? p.architecture.toLowerCase();
  const written = (alias?.variant ?? p.variant ?? '').toLowerCase();
  return { os: p.os.toLowerCase(), architecture, variant: variantSpellings[architecture]?.[written] ?? written };
}

/** `v3` → 3, `v8.2` → [8, 2]; undefined for a variant that is not a version. */
function variantVersion(variant: string): { major: number; minor: number } | undefined {
  const m = /^v(\d+)(?:\.(\d+))?$/.exec(variant);
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0) } : undefined;
}

/**
 * The variants a machine of variant `variant` runs, best first (containerd's `platformVector` within one
 * architecture): amd64/v3 also runs v2 and v1; arm/v7 also v6 and v5; arm64/v8.2 also v8.1 and v8, and arm64/v9.x
 * the v9.y below it and v8.(x+5) down (v9.0 came with the features of v8.5). containerd also lets amd64 take 386 and
 * arm64 take 32-bit arm; shipshape reads images rather than running them, and a user who asks for linux/amd64 wants
 * to see what an amd64 host gets, so those cross-architecture fallbacks are left out.
 */
function compatibleVariants(architecture: string, variant: string): string[] {
  const version = variantVersion(variant === '' && architecture === 'arm64' ? 'v8' : variant);
  if (version === undefined) return [variant];
  const out: string[] = [variant];
  if (architecture === 'amd64') {
    for (let level = version.major - 1; level >= 2; level--) out.push(`v${level}`);
    if (version.major > 1) out.push('');
  } else if (architecture === 'arm') {
    for (let level = version.major - 1; level >= 5; level--) out.push(`v${level}`);
  } else if (architecture === 'arm64' && version.major >= 8) {
    let minor = version.minor;
    if (version.major >= 9) {
      for (let m = minor - 1; m >= 0; m--) out.push(m === 0 ? 'v9' : `v9.${m}`);
      minor = Math.min(minor + 5, 9);
      out.push(`v8.${minor}`);
    }
    for (let m = minor - 1; m >= 0; m--) out.push(m === 0 ? '' : `v8.${m}`);
  }
  return [...new Set(out)];
}

/**
 * How well `candidate` serves `wanted`, lower being better; undefined when it cannot. 0 is the platform itself
 * (`x86_64` is `amd64`, `linux/arm64/v8` is an index's `linux/arm64`, `linux/arm` is arm/v7), then the older variants
 * a machine of the wanted variant runs (containerd's order). A wanted platform without a variant says nothing of the
 * CPU, so after those it takes any variant of its architecture, the oldest first (amd64/v2 before v3), as that one
 * runs on the most machines: an index that offers only `linux/amd64/v2` still serves `linux/amd64`.
 */
export function platformRank(wanted: Platform, candidate: Platform): number | undefined {
  const w = normalise(wanted);
  const c = normalise(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return undefined;
  const compatible = compatibleVariants(w.architecture, w.variant);
  const position = compatible.indexOf(c.variant);
  if (position !== -1) return position;
  if (wanted.variant !== undefined && wanted.variant !== '') return undefined;
  const version = variantVersion(c.variant);
  // newer variants in order of their version; a variant that is no version after them all
  return compatible.length + (version === undefined ? 1_000_000 : version.major * 1000 + version.minor);
}

/** Whether `candidate` can serve `wanted` (see platformRank). */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  return platformRank(wanted, candidate) !== undefined;
}

/** The platform this process runs on, in OCI terms. */
export function hostPlatform(): Platform {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return { os: 'linux', architecture: arch };
}

/** Every platform an index offers, nested indexes flattened. */
export async function platformsOf(index: ImageIndex): Promise<Platform[]> {
  const out: Platform[] = [];
  for (const d of index.manifest.manifests) {
    if (isIndexMediaType(d.mediaType)) out.push(...(await platformsOf(await index.index(d.digest))));
    else if (d.platform) out.push(d.platform);
  }
  return out;
}

interface Candidate {
  owner: ImageIndex;
  digest: Digest;
  rank: number;
}

/** The best-ranked image descriptor for `wanted` in `index` and its nested indexes (the first of equals). */
async function best(index: ImageIndex, wanted: Platform): Promise<Candidate | undefined> {
  let found: Candidate | undefined;
  for (const d of index.manifest.manifests) {
    let candidate: Candidate | undefined;
    if (isIndexMediaType(d.mediaType)) {
      candidate = await best(await index.index(d.digest), wanted);
    } else if (d.platform) {
      const rank = platformRank(wanted, d.platform);
      if (rank !== undefined) candidate = { owner: index, digest: d.digest, rank };
    }
    if (candidate !== undefined && (found === undefined || candidate.rank < found.rank)) found = candidate;
  }
  return found;
}

async function find(index: ImageIndex, wanted: Platform): Promise<Image | undefined> {
  const candidate = await best(index, wanted);
  if (candidate) return candidate.owner.image(candidate.digest);
  // descriptors without a platform: look at the configs (some indexes omit the field)
  let found: { image: Image; rank: number } | undefined;
  for (const d of index.manifest.manifests) {
    if (d.platform || isIndexMediaType(d.mediaType)) continue;
    const image = await index.image(d.digest);
    const rank = platformRank(wanted, { os: image.config.os, architecture: image.config.architecture, ...(image.config.variant ? { variant: image.config.variant } : {}) });
    if (rank !== undefined && (found === undefined || rank < found.rank)) found = { image, rank };
  }
  return found?.image;
}

/**
 * The image of `index` that best serves `wanted` (see platformRank); `not-found` listing what the index offers.
 * `subject` names the index in that message (default: its digest).
 */
export async function selectPlatform(index: ImageIndex, wanted: Platform, subject = `index ${index.digest}`): Promise<Image> {
  const image = await find(index, wanted);
  if (image) return image;
  const offered = (await platformsOf(index)).map(formatPlatform);
  throw notFound(subject, `has no image for ${formatPlatform(wanted)} (it offers ${offered.length > 0 ? offered.join(', ') : 'no platforms'})`);
}
