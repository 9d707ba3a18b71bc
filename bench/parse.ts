/**
 * Parser throughput: Dockerfiles per second over the shared corpora, shipshape's parser beside dockerfile-ast
 * (npm; parse only) in the same process and run. Run with `npm run bench:parse` (figures go in docs/benchmarks.md).
 *
 * Each measurement parses the whole set repeatedly for at least `SECONDS` (default 3) after a warm-up round, and
 * reports the best of three such runs, so that other load on the machine skews the figures as little as possible.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { corporaDir } from '../src/dockerfile/corpus.js';
import { parse } from '../src/dockerfile/parse.js';

const seconds = Number(process.env.SECONDS_PER_RUN ?? '3');

interface Result {
  /** Files per second of elapsed time. */
  filesPerSecond: number;
  /** Files per second of the process's CPU time (user + system, all threads, GC included): less sensitive to other load. */
  filesPerCpuSecond: number;
  crashes: number;
}

function measure(files: string[], fn: (text: string) => unknown): Result {
  let crashes = 0;
  for (const f of files) {
    try {
      fn(f);
    } catch {
      crashes++;
    }
  }
  let best = 0;
  let bestCpu = 0;
  for (let run = 0; run < 3; run++) {
    let parsed = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (const f of files) {
        try {
          fn(f);
        } catch {
          // counted in the first pass
        }
      }
      parsed += files.length;
      elapsed = performance.now() - start;
    }
    const cpu = process.cpuUsage(cpu0);
    best = Math.max(best, (parsed * 1000) / elapsed);
    bestCpu = Math.max(bestCpu, (parsed * 1e6) / (cpu.user + cpu.system));
  }
  return { filesPerSecond: best, filesPerCpuSecond: bestCpu, crashes };
}

function main(): void {
  const corpora = corporaDir();
  if (!corpora) {
    console.log('shared corpora not found at ../shared/corpora: nothing to measure');
    return;
  }
  const sets = ['binnacle-gold', 'awesome-compose'];
  console.log(`node ${process.version}, ${seconds}s per run, best of 3, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| set | files | bytes | parser | files/s (elapsed) | files per CPU-second | crashes |');
  console.log('| --- | ---: | ---: | --- | ---: | ---: | ---: |');
  for (const set of sets) {
    const dir = join(corpora, 'dockerfiles', set);
    const files = readdirSync(dir)
      .sort()
      .map((f) => readFileSync(join(dir, f), 'utf8'));
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f), 0);
    const rows: [string, Result][] = [
      ['shipshape parse()', measure(files, (t) => parse(t))],
      [
        'shipshape parse() + shell AST of every RUN',
        measure(files, (t) => {
          let n = 0;
          for (const i of parse(t).instructions) if (i.keyword === 'Run' && i.shell) n += i.shell.body.items.length;
          return n;
        }),
      ],
      ['dockerfile-ast DockerfileParser.parse()', measure(files, (t) => DockerfileParser.parse(t))],
    ];
    for (const [name, r] of rows) {
      const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
      console.log(`| ${set} | ${files.length} | ${bytes} | ${name} | ${fmt(r.filesPerSecond)} | ${fmt(r.filesPerCpuSecond)} | ${r.crashes} |`);
    }
  }
}

main();
