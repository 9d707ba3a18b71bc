/**
 * Which base the image was built on and whether it was pinned: the OS from os-release, the base reference
 * from OCI annotations (`org.opencontainers.image.base.name` / `.digest`, which BuildKit and many builders
 * set), and a guess at where the base's layers end from the history.
 */
import type { FileResolver } from '../../fs/index.js';
import { defineAnalyzer, type Finding } from '../types.js';

export interface BaseFacts {
  os?: { id: string; versionId?: string; versionCodename?: string; prettyName?: string; idLike?: string };
  /** From annotations or labels, when the builder recorded them. */
  name?: string;
  digest?: string;
  /** true when the base reference carries a digest; false when it is only a tag; undefined when unknown. */
  pinned: boolean | undefined;
  /** Layers that belong to the base image, guessed from history (the last CMD/ENTRYPOINT before the image's own layers). */
  layers: number | undefined;
  /** How `layers` was found. */
  reason: string;
}

export function wantsBody(path: string): boolean {
  return path === '/etc/os-release' || path === '/usr/lib/os-release';
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    out[m[1]] = (m[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

function osFacts(fs: FileResolver): BaseFacts['os'] {
  const body = fs.body('/etc/os-release') ?? fs.body('/usr/lib/os-release');
  if (!body) return undefined;
  const o = parseOsRelease(body.toString('utf8'));
  if (!o.ID) return undefined;
  return {
    id: o.ID,
    ...(o.VERSION_ID ? { versionId: o.VERSION_ID } : {}),
    ...(o.VERSION_CODENAME ? { versionCodename: o.VERSION_CODENAME } : {}),
    ...(o.PRETTY_NAME ? { prettyName: o.PRETTY_NAME } : {}),
    ...(o.ID_LIKE ? { idLike: o.ID_LIKE } : {}),
  };
}

export const baseImageAnalyzer = defineAnalyzer<BaseFacts>({
  id: 'base',
  description: 'base image identification (os-release, annotations, history) and digest pinning',
  analyze({ image, files }) {
    const annotations = { ...(image.config.config?.Labels ?? {}), ...(image.manifest.annotations ?? {}) };
    const name = annotations['org.opencontainers.image.base.name'];
    const digest = annotations['org.opencontainers.image.base.digest'];
    const pinned = digest !== undefined || name?.includes('@sha256:') === true ? true : name !== undefined ? false : undefined;

    const history = image.config.history ?? [];
    let layers: number | undefined;
    let reason = 'no history';
    let seenLayers = 0;
    let boundary: number | undefined;
    // a CMD/ENTRYPOINT counts once a layer follows it: the image's own closing CMD must not move the boundary to the end
    let pending: number | undefined;
    for (const h of history) {
      const instruction = (h.created_by ?? '').replace(/^\/bin\/sh -c #\(nop\)\s*/, '').trim();
      if (h.empty_layer === true && /^(?:CMD|ENTRYPOINT)\b/.test(instruction)) pending = seenLayers;
      if (h.empty_layer !== true) {
        if (pending !== undefined) boundary = pending;
        seenLayers += 1;
      }
    }
    if (boundary !== undefined && boundary < seenLayers) {
      layers = boundary;
      reason = 'layers before the last CMD/ENTRYPOINT that more layers follow (a base image ends with its CMD)';
    } else if (history.length > 0) {
      reason = 'history shows no base boundary (no CMD/ENTRYPOINT before the image’s own layers)';
    }
    const findings: Finding[] = [];
    if (pinned === false) {
      findings.push({ id: 'base/unpinned', severity: 'warning', message: `base image ${name ?? ''} is referenced by tag, not digest`, fix: `pin it: \`FROM ${name ?? 'image:tag'}@sha256:…\` (and let a bot update the digest)`, evidence: [{ config: '/annotations/org.opencontainers.image.base.name' }] });
    }
    const os = osFacts(files.squashed);
    return {
      facts: { ...(os ? { os } : {}), ...(name ? { name } : {}), ...(digest ? { digest } : {}), pinned, layers, reason },
      findings,
    };
  },
});
