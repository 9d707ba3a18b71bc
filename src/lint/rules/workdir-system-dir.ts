import { defineRule } from '../define-rule.js';

const systemDirs = ['/proc', '/boot', '/dev', '/initrd', '/lost+found', '/sys'];

/** Trivy DS-0030: a WORKDIR on a kernel or boot directory puts the build (and the app) inside host-facing mounts. */
export const rule = defineRule({
  meta: {
    id: 'workdir-system-dir',
    aliases: ['DS-0030'],
    description: 'WORKDIR is a system directory (/proc, /sys, /dev, /boot…)',
    category: 'security',
    visits: ['Workdir'],
    setup: 'run',
    severity: 'error',
    messages: { system: 'WORKDIR `{{path}}` is a system directory, mounted over at run time; use a directory of your own such as /app.' },
  },
  create(ctx) {
    return {
      Workdir(node) {
        const path = node.argsText.trim().replace(/^(["'])(.*)\1$/, '$2');
        const normalized = path.replace(/\/+$/, '');
        if (systemDirs.some((d) => normalized === d || normalized.startsWith(`${d}/`))) ctx.report({ range: node.argsRange, messageId: 'system', data: { path } });
      },
    };
  },
});
