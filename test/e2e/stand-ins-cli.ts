/**
 * The stand-ins of ./stand-ins.ts for scripts (scripts/demo.sh): builds the named ones when missing (tagged by a
 * hash of their inputs, as the tests do) and prints their `--base-map PUBLIC=STANDIN` arguments, one per line.
 *   node_modules/.bin/vite-node test/e2e/stand-ins-cli.ts -- node:20 node:20-slim
 */
import { ensureStandIn, standIns } from './stand-ins.js';

const wanted = process.argv.slice(2).filter((a) => a !== '--');
for (const name of wanted) {
  const s = standIns.find((x) => x.public === name || (x.aliases ?? []).includes(name));
  if (s === undefined) {
    process.stderr.write(`no stand-in for ${name}; known: ${standIns.map((x) => x.public).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`--base-map\n${name}=${await ensureStandIn(s)}\n`);
}
