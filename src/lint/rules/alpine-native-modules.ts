import { isAlpine, rootImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';

/** npm packages with native code that need glibc builds or a toolchain on musl. */
const nativeNpm = ['bcrypt', 'sharp', 'canvas', 'grpc', '@grpc/grpc-js-native', 'node-sass', 'sqlite3', 'better-sqlite3', 'argon2', 'node-gyp', 'puppeteer', 'playwright', 'oracledb', '@tensorflow/tfjs-node'];
/** Python packages whose wheels are manylinux (glibc): on Alpine they compile from source for minutes. */
const nativePip = ['numpy', 'pandas', 'scipy', 'grpcio', 'cryptography', 'psycopg2', 'lxml', 'pillow', 'torch', 'tensorflow', 'matplotlib', 'scikit-learn'];
/**
 * How each package shows in package.json (`"sharp":`) or requirements.txt (`numpy==…` at a line start), compiled
 * once: an install without package names (`npm ci`) tests every package of the list.
 */
const mentionPatterns = new Map([...nativeNpm, ...nativePip].map((p) => [p, new RegExp(`["']${p.replace('/', '\\/')}["']\\s*:|^${p}\\b`, 'mi')]));

/** Alpine's musl libc: prebuilt glibc binaries do not load, and source builds pull in a toolchain. */
export const rule = defineRule({
  meta: {
    id: 'alpine-native-modules',
    aliases: [],
    description: 'Alpine base with packages that ship glibc-only native binaries',
    category: 'size',
    visits: ['Run'],
    severity: 'warning',
    messages: { native: '`{{pkg}}` ships glibc-built native code: on Alpine (musl) it compiles from source or fails at run time. Use a Debian slim base.' },
  },
  create(ctx) {
    const df = ctx.dockerfile;
    const mentioned = (ctx.files?.read('package.json') ?? '') + '\n' + (ctx.files?.read('requirements.txt') ?? '');
    return {
      Run(node) {
        const stage = df.stages[node.stageIndex];
        if (!node.shell || !stage || !isAlpine(rootImageOf(df, stage))) return;
        for (const inv of [...commands(node, 'npm'), ...commands(node, 'yarn'), ...commands(node, 'pip'), ...commands(node, 'pip3')]) {
          const isPip = inv.name.startsWith('pip');
          const list = isPip ? nativePip : nativeNpm;
          const named = inv.positionals.slice(1).map((w) => w.value.toLowerCase().replace(/[=<>@~^].*$/, ''));
          const sub = inv.subcommand?.value;
          const installs = sub === 'install' || sub === 'i' || sub === 'ci' || sub === 'add' || (inv.name === 'yarn' && sub === undefined);
          if (!installs) continue;
          let pkg = list.find((p) => named.includes(p));
          if (pkg === undefined && named.length === 0) pkg = list.find((p) => mentionPatterns.get(p)?.test(mentioned) === true);
          if (pkg !== undefined) ctx.report({ range: inv.command.range, messageId: 'native', data: { pkg } });
        }
      },
    };
  },
});
