/**
 * Platforms: parsing `os/arch[/variant]`, matching them as containerd's platform matcher does for the common
 * cases (`x86_64` is `amd64`, `aarch64` is `arm64`, arm64's default variant is v8, arm's is v7), and selecting
 * the image for a platform from an index (nested indexes included).
 */
import { invalidInput, notFound } from '../../internal/errors.js';
import { isIndexMediaType } from '../media-types.js';
import type { Image, ImageIndex, Platform } from '../types.js';

const archAliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };
const defaultVariant: Record<string, string> = { arm64: 'v8', arm: 'v7' };

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

function normalise(p: Platform): { os: string; architecture: string; variant: string } {
  const architecture = archAliases[p.architecture] ?? p.architecture;
  return { os: p.os.toLowerCase(), architecture, variant: p.variant ?? defaultVariant[architecture] ?? '' };
}

/** Whether `candidate` satisfies `wanted` (a wanted platform without a variant accepts the default one). */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const w = normalise(wanted);
  const c = normalise(candidate);
  if (w.os !== c.os || w.architecture !== c.architecture) return false;
  return wanted.variant === undefined ? c.variant === '' || c.variant === (defaultVariant[c.architecture] ?? '') : w.variant === c.variant;
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

async function find(index: ImageIndex, wanted: Platform): Promise<Image | undefined> {
  for (const d of index.manifest.manifests) {
    if (isIndexMediaType(d.mediaType)) {
      const found = await find(await index.index(d.digest), wanted);
      if (found) return found;
    } else if (d.platform && platformMatches(wanted, d.platform)) {
      return index.image(d.digest);
    }
  }
  // descriptors without a platform: look at the configs (some indexes omit the field)
  for (const d of index.manifest.manifests) {
    if (d.platform || isIndexMediaType(d.mediaType)) continue;
    const image = await index.image(d.digest);
    if (platformMatches(wanted, { os: image.config.os, architecture: image.config.architecture, ...(image.config.variant ? { variant: image.config.variant } : {}) })) return image;
  }
  return undefined;
}

/** The image of `index` for `wanted`; `not-found` listing what the index offers. */
export async function selectPlatform(index: ImageIndex, wanted: Platform): Promise<Image> {
  const image = await find(index, wanted);
  if (image) return image;
  const offered = (await platformsOf(index)).map(formatPlatform);
  throw notFound(`index ${index.digest}`, `has no image for ${formatPlatform(wanted)} (it offers ${offered.length > 0 ? offered.join(', ') : 'no platforms'})`);
}
