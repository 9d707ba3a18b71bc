import { resolve } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectApp } from './detect.js';
import { actionVersions, generateWorkflow } from './github-workflow.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const projects: [string, string | undefined][] = [
  ['node-npm-express-ts', undefined],
  ['go-cmd', 'cmd/api'],
  ['python-uv-fastapi', undefined],
  ['java-maven-spring', undefined],
  ['rust-bin', undefined],
];

async function generate(name: string, app: string | undefined, context = '.') {
  const detected = await detectApp(resolve(fixtures, name), app);
  return generateWorkflow(detected, { context, defaultBranch: 'main', shipshapeVersion: '0.1.0', localImage: 'app:ci' });
}

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string;
  permissions: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: { check: Job; publish: Job };
}

describe('.github/workflows/container.yml', () => {
  it.each(projects)('%s matches its golden file', async (name, app) => {
    await expect(await generate(name, app)).toMatchFileSnapshot(resolve(fixtures, '__golden__', `${name}.container.yml`));
  });

  it.each(projects)('%s: a valid GitHub Actions workflow (action-validator, the schemastore schema)', async (name, app) => {
    const text = await generate(name, app);
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it('the validator rejects what GitHub would (so the check above means something)', async () => {
    const text = await generate('go-cmd', 'cmd/api');
    expect(validateWorkflow(text.replace('id-token: write', 'id-token: sign')).errors).not.toEqual([]);
    expect(validateWorkflow(text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')).errors).not.toEqual([]);
  });

  it('least privilege: nothing at the top, read-only checks, push and OIDC only in the default-branch job', async () => {
    const workflow = parse(await generate('node-npm-express-ts', undefined)) as Workflow;
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.check.permissions).toEqual({ contents: 'read', packages: 'read', 'security-events': 'write', actions: 'read' });
    expect(workflow.jobs.publish.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    expect(workflow.jobs.publish.needs).toBe('check');
    expect(workflow.jobs.publish.if).toMatch(/github\.event_name != 'pull_request' && github\.ref == format\('refs\/heads\/\{0\}', github\.event\.repository\.default_branch\)/);
    expect(Object.keys(workflow.on)).toEqual(['push', 'pull_request', 'workflow_dispatch']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
  });

  it('builds with a registry cache: read everywhere, written (mode=max) only when publishing', async () => {
    const workflow = parse(await generate('node-npm-express-ts', undefined)) as Workflow;
    const build = (job: Job) => job.steps.find((s) => s.uses === actionVersions.buildPush);
    expect(build(workflow.jobs.check)?.with).toMatchObject({ load: true, 'cache-from': 'type=registry,ref=${{ steps.image.outputs.name }}:buildcache' });
    expect(build(workflow.jobs.check)?.with?.['cache-to']).toBeUndefined();
    expect(build(workflow.jobs.check)?.with?.push).toBeUndefined();
    expect(build(workflow.jobs.publish)?.with).toMatchObject({ push: true, 'cache-to': 'type=registry,ref=${{ steps.image.outputs.name }}:buildcache,mode=max' });
    // the image name comes from the repository, lower-cased
    const name = workflow.jobs.check.steps.find((s) => s.id === 'image');
    expect(name?.run).toBe('echo "name=${REGISTRY}/${GITHUB_REPOSITORY,,}" >> "$GITHUB_OUTPUT"');
  });

  it('lint and scan as SARIF to code scanning, an SBOM artifact, cosign keyless signing of the pushed digest', async () => {
    const workflow = parse(await generate('node-npm-express-ts', undefined)) as Workflow;
    const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs(workflow.jobs.check)).toMatch(/^shipshape lint "\$DOCKERFILE" --format sarif --output lint\.sarif$/m);
    expect(runs(workflow.jobs.check)).toMatch(/^shipshape scan "docker-daemon:\$LOCAL_IMAGE" --format sarif --output scan\.sarif$/m);
    expect(runs(workflow.jobs.check)).toMatch(/^shipshape sbom "docker-daemon:\$LOCAL_IMAGE" --format spdx-json --output sbom\.spdx\.json$/m);
    expect(runs(workflow.jobs.check)).toMatch(/^shipshape db update --ecosystem "Debian:12,npm"$/m);
    const uploads = workflow.jobs.check.steps.filter((s) => s.uses === actionVersions.uploadSarif);
    expect(uploads.map((s) => s.with)).toEqual([
      { sarif_file: 'lint.sarif', category: 'shipshape-lint' },
      { sarif_file: 'scan.sarif', category: 'shipshape-scan' },
    ]);
    for (const upload of uploads) expect(upload.if).toMatch(/!cancelled\(\)/);
    const publish = workflow.jobs.publish.steps;
    expect(publish.some((s) => s.uses === actionVersions.cosignInstaller)).toBe(true);
    expect(runs(workflow.jobs.publish)).toMatch(/^cosign sign --yes "\$\{IMAGE\}@\$\{DIGEST\}"$/m);
    expect(runs(workflow.jobs.publish)).toMatch(/^cosign attest --yes --type spdxjson --predicate sbom\.spdx\.json "\$\{IMAGE\}@\$\{DIGEST\}"$/m);
    // expressions reach scripts through env, never spliced into the script (no injection through a ref or a name)
    for (const step of [...workflow.jobs.check.steps, ...publish]) expect(step.run ?? '', step.name).not.toMatch(/\$\{\{/);
    expect(publish.find((s) => s.run?.startsWith('cosign sign'))?.env).toEqual({ IMAGE: '${{ steps.image.outputs.name }}', DIGEST: '${{ steps.push.outputs.digest }}' });
  });

  it('every action is pinned to a major version; the header says so', async () => {
    const text = await generate('rust-bin', undefined);
    const uses = [...text.matchAll(/uses: (\S+)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(8);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w./-]+@v\d+$/);
    expect(text).toMatch(/^# Actions are pinned to major versions, not commit SHAs/m);
  });

  it('an app below the repository root: context and Dockerfile are relative to the root; ecosystems follow the app', async () => {
    const workflow = parse(await generate('go-cmd', 'cmd/api', 'services/api')) as Workflow;
    expect(workflow.env).toMatchObject({ CONTEXT: 'services/api', DOCKERFILE: 'services/api/Dockerfile', SHIPSHAPE_VERSION: '0.1.0' });
    expect(workflow.jobs.check.steps.map((s) => s.run ?? '').join('\n')).toMatch(/--ecosystem "Debian:12,Go"/);
  });
});
