import { defineRule } from '../define-rule.js';
import { commands, isFinal } from '../stage-facts.js';

const tools = new Set(['vim', 'vim-tiny', 'nano', 'emacs', 'gdb', 'strace', 'ltrace', 'tcpdump', 'netcat', 'netcat-openbsd', 'netcat-traditional', 'nmap', 'telnet', 'openssh-client', 'openssh-server', 'iputils-ping', 'net-tools', 'dnsutils', 'bind-tools', 'htop', 'less', 'valgrind']);

/** Debuggers and network tools in the runtime image add size and hand an attacker a toolkit. */
export const rule = defineRule({
  meta: {
    id: 'debug-tools-in-final-stage',
    aliases: [],
    description: 'Debugging and network tools installed in the runtime stage',
    category: 'security',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    messages: { tool: '`{{pkg}}` is a debugging tool installed in the runtime image; leave it out (use `docker debug` or an ephemeral container).' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell || !isFinal(ctx.dockerfile, node.stageIndex)) return;
        const invs = [...commands(node, 'apt-get', 'install'), ...commands(node, 'apt', 'install'), ...commands(node, 'apk', 'add'), ...commands(node, 'yum', 'install'), ...commands(node, 'dnf', 'install')];
        for (const inv of invs) {
          for (const w of inv.positionals.slice(1)) {
            const pkg = w.value.replace(/[=:].*$/, '');
            if (tools.has(pkg)) ctx.report({ range: w.range, messageId: 'tool', data: { pkg } });
          }
        }
      },
    };
  },
});
