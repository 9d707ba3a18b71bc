/**
 * Security facts: who the container runs as, setuid/setgid and world-writable files, a shell and a package
 * manager an attacker could use, secret-looking configuration (values redacted), ports and healthcheck.
 */
import type { FileEntry, FileResolver } from '../../fs/index.js';
import type { Digest } from '../../image/types.js';
import { assignment, secretReason, secretValueKind } from '../redact.js';
import { counted } from '../../internal/display-text.js';
import { defineAnalyzer, type Evidence, type Finding } from '../types.js';

export interface UserFacts {
  /** `User` as configured (empty means root). */
  configured: string;
  name?: string;
  uid?: number;
  group?: string;
  /** true, false, or undefined when a name cannot be resolved through /etc/passwd. */
  root: boolean | undefined;
  numeric: boolean;
}

export interface PathFact {
  path: string;
  mode: string;
  layer: number;
  layerDigest: Digest | undefined;
}

export interface SecretFact {
  /** Where: `Env FOO_TOKEN`, `Labels x`, `history[3]`. Values are never reported. */
  where: string;
  name: string;
  reason: string;
  config: string;
}

export interface SecurityFacts {
  user: UserFacts;
  setuid: PathFact[];
  setgid: PathFact[];
  worldWritable: PathFact[];
  shells: string[];
  packageManagers: string[];
  secrets: SecretFact[];
  exposedPorts: string[];
  healthcheck: { configured: boolean; disabled: boolean; test?: string[] };
}

const shellPaths = ['/bin/sh', '/bin/bash', '/bin/dash', '/bin/ash', '/bin/zsh', '/usr/bin/bash', '/usr/bin/sh', '/bin/busybox'];
const packageManagerPaths = ['/usr/bin/apt', '/usr/bin/apt-get', '/usr/bin/dpkg', '/sbin/apk', '/usr/bin/yum', '/usr/bin/dnf', '/usr/bin/microdnf', '/usr/bin/rpm', '/usr/bin/pip', '/usr/bin/pip3', '/usr/local/bin/pip', '/usr/local/bin/pip3'];

function passwdLookup(fs: FileResolver, name: string): number | undefined {
  const body = fs.body('/etc/passwd');
  if (!body) return undefined;
  for (const line of body.toString('utf8').split('\n')) {
    const [user, , uid] = line.split(':');
    if (user === name && uid !== undefined && /^\d+$/.test(uid)) return Number(uid);
  }
  return undefined;
}

function userFacts(configured: string, fs: FileResolver): UserFacts {
  const [who = '', group] = configured.split(':');
  const base = group === undefined ? {} : { group };
  if (who === '') return { configured, name: 'root', uid: 0, root: true, numeric: false, ...base };
  if (/^\d+$/.test(who)) return { configured, uid: Number(who), root: Number(who) === 0, numeric: true, ...base };
  const uid = who === 'root' ? 0 : passwdLookup(fs, who);
  return { configured, name: who, ...(uid === undefined ? {} : { uid }), root: uid === undefined ? undefined : uid === 0, numeric: false, ...base };
}

/** Files that matter for `passwdLookup`. */
export function wantsBody(path: string): boolean {
  return path === '/etc/passwd';
}

export const securityAnalyzer = defineAnalyzer<SecurityFacts>({
  id: 'security',
  description: 'user, setuid/setgid and world-writable files, shell and package manager, secret-looking config, ports, healthcheck',
  analyze({ image, files, visible, layerDigest }) {
    const fs = files.squashed;
    const cfg = image.config.config ?? {};
    const findings: Finding[] = [];
    const user = userFacts(cfg.User ?? '', fs);
    if (user.root === true) {
      findings.push({
        id: 'security/root-user',
        severity: 'warning',
        message: user.configured === '' ? 'the container runs as root (no USER)' : `the container runs as root (USER ${user.configured})`,
        fix: 'add a non-root user and switch to it: `RUN useradd -r -u 10001 app` then `USER 10001` (numeric, so Kubernetes can verify runAsNonRoot)',
        evidence: [{ config: '/config/User' }],
      });
    } else if (user.root === undefined) {
      findings.push({ id: 'security/unknown-user', severity: 'note', message: `USER ${user.configured} is not in /etc/passwd; the runtime cannot resolve it`, fix: 'use a numeric USER (`USER 10001:10001`)', evidence: [{ config: '/config/User', path: '/etc/passwd' }] });
    } else if (!user.numeric) {
      findings.push({ id: 'security/named-user', severity: 'note', message: `USER ${user.configured} is a name; Kubernetes runAsNonRoot can only verify a numeric user`, fix: `use the numeric id: \`USER ${String(user.uid)}\``, evidence: [{ config: '/config/User' }] });
    }

    const setuid: PathFact[] = [];
    const setgid: PathFact[] = [];
    const worldWritable: PathFact[] = [];
    const fact = (e: FileEntry): PathFact => ({ path: e.path, mode: `0${e.mode.toString(8)}`, layer: e.layer, layerDigest: layerDigest(e.layer) });
    for (const e of visible) {
      if ((e.mode & 0o6002) === 0) continue;
      if (e.type === 'file' || e.type === 'hardlink') {
        if (e.mode & 0o4000) setuid.push(fact(e));
        if (e.mode & 0o2000) setgid.push(fact(e));
      }
      // sticky directories (/tmp) are world-writable by design
      if (e.type !== 'symlink' && e.mode & 0o002 && !(e.type === 'dir' && e.mode & 0o1000)) worldWritable.push(fact(e));
    }
    const cite = (list: PathFact[]): Evidence[] => list.slice(0, 10).map((p) => ({ layer: p.layer, ...(p.layerDigest ? { layerDigest: p.layerDigest } : {}), path: p.path }));
    if (setuid.length + setgid.length > 0) {
      findings.push({ id: 'security/setuid', severity: 'warning', message: `${setuid.length} setuid and ${counted(setgid.length, 'setgid file')}`, fix: 'drop the bits in the last stage: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`', evidence: cite([...setuid, ...setgid]) });
    }
    if (worldWritable.length > 0) {
      findings.push({ id: 'security/world-writable', severity: 'warning', message: counted(worldWritable.length, 'world-writable file or directory', 'world-writable files or directories'), fix: 'set modes explicitly (`COPY --chmod=0644`, `chmod o-w`) and own app files by root, not the runtime user', evidence: cite(worldWritable) });
    }

    const present = (paths: string[]): string[] => paths.filter((p) => fs.resolve(p)?.type === 'file');
    const shells = present(shellPaths);
    const packageManagers = present(packageManagerPaths);
    if (shells.length > 0 || packageManagers.length > 0) {
      findings.push({
        id: 'security/shell-and-package-manager',
        severity: 'note',
        message: `present at runtime: ${[...shells, ...packageManagers].join(', ')}`,
        fix: 'run on a distroless or scratch base in the final stage, so an intruder finds no shell or package manager',
        evidence: [...shells, ...packageManagers].slice(0, 10).map((p) => {
          const e = fs.resolve(p);
          const digest = e ? layerDigest(e.layer) : undefined;
          return { path: p, ...(e ? { layer: e.layer } : {}), ...(digest ? { layerDigest: digest } : {}) };
        }),
      });
    }

    const secrets: SecretFact[] = [];
    for (const [i, item] of (cfg.Env ?? []).entries()) {
      const eq = item.indexOf('=');
      const name = eq < 0 ? item : item.slice(0, eq);
      const reason = secretReason(name, eq < 0 ? '' : item.slice(eq + 1));
      if (reason) secrets.push({ where: `Env ${name}`, name, reason, config: `/config/Env/${i}` });
    }
    for (const [name, value] of Object.entries(cfg.Labels ?? {})) {
      const reason = secretReason(name, value);
      if (reason) secrets.push({ where: `Labels ${name}`, name, reason, config: `/config/Labels/${name.replace(/~/g, '~0').replace(/\//g, '~1')}` });
    }
    for (const [i, h] of (image.config.history ?? []).entries()) {
      const text = h.created_by ?? '';
      // BuildKit records build args as `|N NAME=value … /bin/sh -c …`; Dockerfile ENV/ARG appear as NAME=value
      for (const m of text.matchAll(assignment)) {
        const name = m[2] ?? '';
        const reason = secretReason(name, (m[3] ?? '').replace(/^["']|["']$/g, ''));
        if (reason) secrets.push({ where: `history[${i}]`, name, reason, config: `/history/${i}/created_by` });
      }
      const kind = secretValueKind(text);
      if (kind !== undefined && !secrets.some((s) => s.config === `/history/${i}/created_by`)) secrets.push({ where: `history[${i}]`, name: '', reason: `contains what looks like a ${kind}`, config: `/history/${i}/created_by` });
    }
    for (const s of secrets) {
      findings.push({
        id: 'security/secret-in-config',
        severity: 'error',
        message: `${s.where}${s.name && !s.where.endsWith(s.name) ? ` (${s.name})` : ''}: ${s.reason} (value redacted)`,
        fix: 'pass secrets at build time with `RUN --mount=type=secret,id=…` and at run time through the orchestrator; never ENV, ARG or LABEL',
        evidence: [{ config: s.config }],
      });
    }

    const test = cfg.Healthcheck?.Test;
    const healthcheck = { configured: test !== undefined && test.length > 0, disabled: test?.[0] === 'NONE', ...(test ? { test } : {}) };
    if (!healthcheck.configured) {
      findings.push({ id: 'security/no-healthcheck', severity: 'note', message: 'no HEALTHCHECK', fix: 'add `HEALTHCHECK CMD …` (or rely on your orchestrator’s probes)', evidence: [{ config: '/config/Healthcheck' }] });
    }
    return {
      facts: { user, setuid, setgid, worldWritable, shells, packageManagers, secrets, exposedPorts: Object.keys(cfg.ExposedPorts ?? {}).sort(), healthcheck },
      findings,
    };
  },
});
