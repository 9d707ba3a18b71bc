import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { detectApp } from './detect.js';
import { generateFiles } from './generate.js';
import { generateDeployment, imagePlaceholder, kubernetesName, runtimeFacts } from './kubernetes.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const projects: [string, string | undefined][] = [
  ['node-npm-express-ts', undefined],
  ['node-pnpm-next', undefined],
  ['node-next-image', undefined],
  ['go-root', undefined],
  ['go-cmd', 'cmd/api'],
  ['python-plain', undefined],
  ['python-flask-gunicorn', undefined],
  ['python-uv-fastapi', undefined],
  ['java-maven-plain', undefined],
  ['java-maven-spring', undefined],
  ['rust-bin', undefined],
];

async function generate(name: string, app: string | undefined, image?: string) {
  const root = resolve(fixtures, name);
  const detected = await detectApp(root, app);
  const { dockerfile } = await generateFiles(root, detected);
  return { detected, dockerfile, ...generateDeployment(detected, dockerfile, image === undefined ? {} : { image }) };
}

interface Container {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  startupProbe: Record<string, unknown>;
  readinessProbe: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface Deployment {
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { automountServiceAccountToken: boolean; securityContext: Record<string, unknown>; containers: Container[]; volumes: { name: string; emptyDir: { sizeLimit: string } }[] };
    };
  };
}
interface Service {
  kind: string;
  spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
}

function parse(text: string): { deployment: Deployment; service: Service } {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('not a YAML stream');
  for (const doc of docs) expect(doc.errors).toEqual([]);
  const [deployment, service] = docs.map((d) => d.toJS() as unknown);
  return { deployment: deployment as Deployment, service: service as Service };
}

describe('k8s/deployment.yaml', () => {
  it.each(projects)('%s matches its golden file', async (name, app) => {
    const { text } = await generate(name, app);
    await expect(text).toMatchFileSnapshot(resolve(fixtures, '__golden__', `${name}.deployment.yaml`));
  });

  it.each(projects)('%s: restricted pod security, read-only root, the image user, the detected port, a Service that selects it', async (name, app) => {
    const { text, detected, dockerfile } = await generate(name, app);
    const { deployment, service } = parse(text);
    expect(deployment.kind).toBe('Deployment');
    expect(service.kind).toBe('Service');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    if (container === undefined) throw new Error('no container');
    expect(pod.automountServiceAccountToken).toBe(false);
    // every generated Dockerfile runs as 65532:65532
    expect(runtimeFacts(dockerfile).user).toBe('65532:65532');
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.image).toBe(imagePlaceholder);
    expect(container.ports).toEqual([{ name: 'http', containerPort: detected.port ?? 8080, protocol: 'TCP' }]);
    // every mount is an emptyDir with a size limit, /tmp always
    expect(container.volumeMounts.map((m) => m.mountPath)).toContain('/tmp');
    expect(pod.volumes.map((v) => v.name).sort()).toEqual(container.volumeMounts.map((m) => m.name).sort());
    for (const volume of pod.volumes) expect(volume.emptyDir.sizeLimit).toMatch(/^\d+Mi$/);
    for (const [kind, value] of Object.entries(container.resources)) for (const key of ['cpu', 'memory']) expect(value[key], `${kind}.${key}`).toBeTruthy();
    // labels tie the Service to the pods
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    // no YAML anchors: kubectl reads them, but people editing the file should not have to
    expect(text).not.toMatch(/[&*]a\d/);
  });

  it('probes: HTTP on a detected health path, TCP otherwise', async () => {
    const probeOf = async (name: string, app?: string) => (await generate(name, app)).probe;
    expect(await probeOf('go-root')).toEqual({ kind: 'http', path: '/healthz' });
    expect(await probeOf('python-flask-gunicorn')).toEqual({ kind: 'http', path: '/health' });
    expect(await probeOf('node-next-image')).toEqual({ kind: 'http', path: '/api/healthz' });
    expect(await probeOf('java-maven-spring')).toEqual({ kind: 'http', path: '/actuator/health' });
    expect(await probeOf('node-npm-express-ts')).toEqual({ kind: 'tcp' });
    const { deployment } = parse((await generate('go-root', undefined)).text);
    const container = deployment.spec.template.spec.containers[0];
    expect(container?.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(container?.readinessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    const tcp = parse((await generate('node-npm-express-ts', undefined)).text).deployment.spec.template.spec.containers[0];
    expect(tcp?.startupProbe).toMatchObject({ tcpSocket: { port: 'http' } });
  });

  it('writable paths per ecosystem: Next.js gets .next/cache under its WORKDIR, the others /tmp only', async () => {
    expect((await generate('node-pnpm-next', undefined)).writable.map((w) => w.path)).toEqual(['/tmp', '/app/.next/cache']);
    for (const [name, app] of projects.filter(([n]) => !n.includes('next'))) expect((await generate(name, app)).writable.map((w) => w.path), name).toEqual(['/tmp']);
  });

  it('--image replaces the placeholder and its note; no port detected assumes 8080 with a note', async () => {
    const pinned = await generate('go-root', undefined, 'registry.example.com/team/api@sha256:' + 'a'.repeat(64));
    expect(pinned.text).toMatch(/^ {10}image: registry\.example\.com\/team\/api@sha256:a{64}$/m);
    expect(pinned.notes).toEqual([]);
    const placeholder = await generate('go-root', undefined);
    expect(placeholder.notes.join('\n')).toMatch(/placeholder/);
    const noPort = await generate('python-poetry', undefined);
    expect(noPort.port).toBe(8080);
    expect(noPort.notes.join('\n')).toMatch(/no port detected/);
  });

  it('names are DNS-1123 labels; runtimeFacts reads the last stage', () => {
    expect(kubernetesName('@acme/Web_API')).toBe('acme-web-api');
    expect(kubernetesName('---')).toBe('app');
    expect(kubernetesName('x'.repeat(80))).toHaveLength(63);
    expect(runtimeFacts('FROM a AS build\nUSER 1000\nWORKDIR /src\nFROM b\nWORKDIR /app\nUSER 10001:10002\n')).toEqual({ user: '10001:10002', workdir: '/app' });
    expect(runtimeFacts('FROM b\n')).toEqual({ workdir: '/' });
  });
});
