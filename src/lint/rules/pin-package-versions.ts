import type { Invocation, ShellWord } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { invocationsOfRun } from '../stage-facts.js';

interface Manager {
  /** Programs and the subcommands that install named packages. */
  programs: readonly string[];
  subcommands: readonly string[];
  /** Flags whose value is the next word. */
  valued: ReadonlySet<string>;
  /** Whether a package argument names a version. */
  pinned(arg: string): boolean;
  /** Arguments that are not package names (paths, archives, URLs). */
  notPackage?(arg: string): boolean;
  /** A flag that pins every package of the command (`gem install -v 1.2 x`). */
  pinFlags?: readonly string[];
  alias: string;
  /** The package pinned, in the manager's syntax (`curl=VERSION`). */
  pin(name: string): string;
}

const pathLike = (a: string): boolean => a.startsWith('.') || a.startsWith('/') || a.startsWith('~') || /^(https?|git\+\w+|file):/.test(a) || /\.(deb|rpm|whl|tar\.gz|tgz|zip|gem|apk)$/.test(a);

const rpmValued: ReadonlySet<string> = new Set([
  '-c', '--config', '-d', '--debuglevel', '-e', '--errorlevel', '-x', '--exclude', '--installroot', '--enablerepo', '--disablerepo',
  '--repo', '--repoid', '--releasever', '--setopt', '--forcearch',
]);
const rpmPinned = (a: string): boolean => /-\d/.test(a) || /[=<>]/.test(a);

const managers: readonly Manager[] = [
  {
    programs: ['apt-get', 'apt'],
    subcommands: ['install'],
    valued: new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release']),
    pinned: (a) => a.includes('='),
    alias: 'DL3008',
    pin: (n) => `${n}=VERSION`,
  },
  {
    programs: ['apk'],
    subcommands: ['add'],
    valued: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']),
    pinned: (a) => /[=~<>]/.test(a),
    alias: 'DL3018',
    pin: (n) => `${n}=VERSION`,
  },
  {
    programs: ['pip', 'pip3', 'pip2'],
    subcommands: ['install'],
    valued: new Set([
      '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target',
      '--prefix', '--root', '--src', '--platform', '--python-version', '--implementation', '--abi', '--no-binary', '--only-binary', '--trusted-host',
      '--cache-dir', '--upgrade-strategy', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '-C', '--config-settings',
    ]),
    pinned: (a) => /[=<>~!@]/.test(a),
    alias: 'DL3013',
    pin: (n) => `${n}==VERSION`,
  },
  {
    programs: ['npm'],
    subcommands: ['install', 'i', 'add'],
    valued: new Set(['--prefix', '--registry', '--cache', '-w', '--workspace', '--omit', '--include', '--tag', '--userconfig']),
    // `@scope/name@1.2.3` and `name@1.2.3`: a version after an `@` that is not the scope's
    pinned: (a) => a.lastIndexOf('@') > 0,
    notPackage: (a) => a.includes('/') && !a.startsWith('@'),
    alias: 'DL3016',
    pin: (n) => `${n}@VERSION`,
  },
  {
    programs: ['gem'],
    subcommands: ['install'],
    valued: new Set(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--source', '-s', '-P', '--trust-policy', '--platform']),
    pinned: (a) => a.includes(':'),
    pinFlags: ['-v', '--version'],
    alias: 'DL3028',
    pin: (n) => `${n}:VERSION`,
  },
  {
    programs: ['yum'],
    subcommands: ['install'],
    valued: rpmValued,
    // `name-1.2.3` (hadolint's test: a dash before a digit) or a comparison
    pinned: rpmPinned,
    alias: 'DL3033',
    pin: (n) => `${n}-VERSION`,
  },
  {
    programs: ['dnf', 'microdnf'],
    subcommands: ['install'],
    valued: rpmValued,
    pinned: rpmPinned,
    alias: 'DL3041',
    pin: (n) => `${n}-VERSION`,
  },
  {
    programs: ['zypper'],
    subcommands: ['install', 'in'],
    valued: new Set(['-t', '--type', '-r', '--repo', '--from', '-p', '--plus-repo', '--download']),
    pinned: (a) => /[=<>]/.test(a),
    alias: 'DL3037',
    pin: (n) => `${n}=VERSION`,
  },
  {
    programs: ['go'],
    subcommands: ['install'],
    valued: new Set(['-C', '-p', '-o', '-tags', '-ldflags', '-gcflags', '-asmflags', '-mod', '-modfile', '-pkgdir', '-exec', '-overlay', '-toolexec', '-pgo']),
    // `@latest` names no version; module paths with `@v1.2.3` (or a commit) do
    pinned: (a) => /@(?!latest$)./.test(a),
    // a package of the current module (`./cmd/x`, `.`, `...`) is built from the context, not fetched
    notPackage: (a) => !a.includes('.') || a.startsWith('.'),
    alias: 'DL3062',
    pin: (n) => `${n.replace(/@latest$/, '')}@vVERSION`,
  },
];

/** The package arguments of an install command that name no version. */
function unpinned(inv: Invocation, m: Manager): ShellWord[] {
  if (m.pinFlags && inv.hasFlag(...m.pinFlags)) return [];
  const out: ShellWord[] = [];
  const args = inv.args;
  const start = args.findIndex((a) => a === inv.subcommand);
  for (let k = start + 1; k < args.length; k++) {
    const word = args[k];
    if (!word) continue;
    const a = word.value;
    if (a.startsWith('-')) {
      if (!a.includes('=') && m.valued.has(a)) k++;
      continue;
    }
    // values the shell supplies, paths and archives are not registry packages
    if (a.includes('$') || a === '' || pathLike(a) || m.notPackage?.(a) === true) continue;
    if (!m.pinned(a)) out.push(word);
  }
  return out;
}

/** Installing whatever version is current makes two builds of the same Dockerfile differ. */
export const rule = defineRule({
  meta: {
    id: 'pin-package-versions',
    aliases: ['DL3008', 'DL3018', 'DL3013', 'DL3016', 'DL3028', 'DL3033', 'DL3037', 'DL3041', 'DL3062'],
    description: 'Packages installed without a version (apt-get, apk, pip, npm, gem, yum, dnf, zypper, go install)',
    category: 'reproducibility',
    visits: ['Run'],
    setup: 'run',
    severity: 'info',
    messages: {
      unpinned: '`{{program}} {{subcommand}}` installs `{{name}}` without a version, so rebuilds may get another one; pin it (`{{pin}}`) or accept the drift knowingly.',
    },
  },
  create(ctx) {
    return {
      Run(node) {
        for (const inv of invocationsOfRun(node)) {
          const sub = inv.subcommand?.value;
          const m = managers.find((x) => x.programs.includes(inv.name) && sub !== undefined && x.subcommands.includes(sub));
          if (!m || sub === undefined) continue;
          for (const word of unpinned(inv, m)) {
            ctx.report({ range: word.range, messageId: 'unpinned', data: { program: inv.name, subcommand: sub, name: word.value, pin: m.pin(word.value) } });
          }
        }
      },
    };
  },
});
