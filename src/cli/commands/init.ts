import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import { init, type InitOptions, type InitResult, parseBaseMap } from '../../api/init.js';
import { SeveralAppsError } from '../../generate/index.js';
import { EngineClient } from '../../image/daemon/index.js';
import { parseReference } from '../../image/reference.js';
import { resolveDigest, settingsOf } from '../../image/remote/index.js';
import { action, addCommonOptions, type VerbContext } from '../runtime.js';
import { version } from '../version.js';

interface InitFlags {
  app?: string;
  force: boolean;
  dryRun: boolean;
  compat?: boolean;
  pin: boolean;
  baseMap: string[];
  print: boolean;
  ci?: 'github';
  k8s: boolean;
  image?: string;
}

async function engineKind(host: string | undefined): Promise<{ version: string; podman: boolean }> {
  const { version: engineVersion, podman } = await new EngineClient({ ...(host === undefined ? {} : { host }), timeoutMs: 3000 }).version();
  return { version: engineVersion, podman };
}

/** On a terminal, several apps are a question; elsewhere (CI, pipes) the error lists them and exits 2. */
async function choose(error: SeveralAppsError): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write('Several apps found:\n');
    error.apps.forEach((a, i) => process.stderr.write(`  ${i + 1}) ${a.path} (${a.ecosystem}, ${a.name})\n`));
    const answer = await rl.question(`Which one [1-${error.apps.length}]? `);
    return error.apps[Number(answer.trim()) - 1]?.path;
  } finally {
    rl.close();
  }
}

function render(ctx: VerbContext, result: InitResult, print: boolean): string {
  if (print) return result.dockerfile;
  const { c } = ctx;
  const lines = [`${c.bold(result.app.name)}: ${result.app.ecosystem} app at ${result.app.path}, runtime ${result.runtime}${result.app.port === undefined ? '' : `, port ${result.app.port}`}`];
  for (const file of result.files) {
    const label = { created: c.green('created'), overwritten: c.yellow('overwrote'), unchanged: c.dim('unchanged'), differs: c.red('differs'), 'would-create': 'would create', 'would-overwrite': 'would overwrite' }[file.action];
    lines.push(`  ${label} ${file.path}${file.action === 'differs' ? ' (not overwritten: --force replaces it)' : ''}`);
  }
  for (const [ref, digest] of Object.entries(result.pinned)) lines.push(`  pinned ${ref}@${digest}`);
  for (const file of result.files) if (file.diff !== undefined && file.action !== 'overwritten') lines.push('', file.diff.trimEnd());
  return lines.join('\n');
}

/** `shipshape init [DIR]`: the Dockerfile and .dockerignore for a project; a CI workflow and Kubernetes manifests on request. */
export function register(program: Command): void {
  const command = addCommonOptions(
    program
      .command('init')
      .argument('[dir]', 'project directory', '.')
      .description('write an optimal Dockerfile and .dockerignore for the project in DIR (and, on request, a CI workflow and Kubernetes manifests)')
      .option('--app <path>', 'the app to containerise when the project has several')
      .option('--force', 'replace an existing file that differs (Dockerfile, .dockerignore, workflow, manifests)', false)
      .option('--dry-run', 'show what would be written, write nothing', false)
      .option('--print', 'print the Dockerfile instead of writing files', false)
      .option('--compat', 'no COPY --link and no heredocs, for older build frontends (default: when the engine is Docker before 23.0 or Podman before 5.0)')
      .option('--no-compat', 'COPY --link whatever the engine')
      .option('--pin', 'pin base images to their current digests', false)
      .option('--base-map <from=to>', 'substitute a base image (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
      .addOption(new Option('--ci <provider>', 'also write a CI workflow: build with a registry cache, lint, scan, SBOM, push, sign').choices(['github']))
      .option('--k8s', 'also write k8s/deployment.yaml: a hardened Deployment and a Service', false)
      .option('--image <ref>', 'with --k8s: the image the Deployment runs (default: a placeholder)'),
  );
  command.action(
    action(async (ctx, dir: string) => {
      const flags = command.opts<InitFlags>();
      const options: InitOptions = {
        dir,
        force: flags.force,
        dryRun: flags.dryRun || flags.print,
        // without --compat/--no-compat the engine is asked (quickly: an absent engine only means the full Dockerfile)
        ...(flags.compat === undefined ? { engine: () => engineKind(ctx.loaded.config.engine.host) } : { compat: flags.compat }),
        pin: flags.pin,
        // --pin asks the registry what each base's tag points to now (HEAD of the manifest)
        resolveDigest: async (reference) => {
          const { registry } = ctx.loaded.config;
          return (await resolveDigest(parseReference(reference), settingsOf(registry))).digest;
        },
        baseMap: parseBaseMap(flags.baseMap),
        k8s: flags.k8s,
        toolVersion: version,
        ...(flags.ci === undefined ? {} : { ci: flags.ci }),
        ...(flags.image === undefined ? {} : { image: flags.image }),
        events: ctx.events,
        ...(flags.app === undefined ? {} : { app: flags.app }),
      };
      let result: InitResult;
      try {
        result = await init(options);
      } catch (error) {
        if (!(error instanceof SeveralAppsError)) throw error;
        const app = await choose(error);
        if (app === undefined) throw error;
        result = await init({ ...options, app });
      }
      for (const note of result.notes) ctx.note(`note: ${note}`);
      if (result.files.some((f) => f.action === 'differs')) ctx.setExitCode(1);
      if (ctx.flags.format === 'json') {
        const { app, runtime, bases, pinned, notes, files, dockerfile, dockerignore, workflow, deployment } = result;
        await ctx.write(JSON.stringify({ app, runtime, bases, pinned, notes, files, dockerfile, dockerignore, ...(workflow === undefined ? {} : { workflow }), ...(deployment === undefined ? {} : { deployment }) }, null, 2));
        return;
      }
      await ctx.write(render(ctx, result, flags.print));
    }),
  );
}
