/**
 * `k8s/deployment.yaml`: a Deployment and a Service for a detected app, hardened the way the Pod Security
 * Standards' "restricted" profile asks (non-root, no privilege escalation, every capability dropped,
 * RuntimeDefault seccomp) and with a read-only root filesystem. Whatever the app must write gets an `emptyDir`,
 * chosen per ecosystem; the user comes from the generated Dockerfile's runtime stage, so the manifest states
 * exactly what the image runs as.
 */
import { Document, isMap, isScalar } from 'yaml';
import type { DetectedApp } from './types.js';

export interface DeploymentOptions {
  /** The image reference to deploy; a placeholder when absent. */
  image?: string;
}

/** A path the app writes at run time, mounted as an `emptyDir`. */
export interface WritablePath {
  path: string;
  /** Bound on the volume (an `emptyDir` counts against the node's ephemeral storage). */
  sizeLimit: string;
  /** Why the app writes there. */
  reason: string;
}

export interface GeneratedDeployment {
  text: string;
  /** The Kubernetes name (a DNS-1123 label) of the Deployment and the Service. */
  name: string;
  image: string;
  runAsUser?: number;
  runAsGroup?: number;
  port: number;
  writable: WritablePath[];
  /** The probe: an HTTP GET of a detected health path, else a TCP connect to the port. */
  probe: { kind: 'http'; path: string } | { kind: 'tcp' };
  notes: string[];
}

/** The image placeholder: the name the generated GitHub workflow pushes to (`ghcr.io/OWNER/REPOSITORY`). */
export const imagePlaceholder = 'ghcr.io/OWNER/REPOSITORY:TAG';

/** The port assumed when detection found none (the common default of Go, Java and many Node.js servers). */
const defaultPort = 8080;

interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/**
 * Starting points, not measurements: a static Go or Rust server idles in a few MiB, Node.js and CPython in
 * tens, a JVM (heap at 75 % of the limit, as the Dockerfile's `-XX:MaxRAMPercentage=75` says) in hundreds;
 * Next.js renders React on the server and keeps an in-memory cache. The CPU limit is generous (a whole core)
 * so that it bounds a runaway process without throttling normal bursts.
 */
function resourcesFor(app: DetectedApp): Resources {
  switch (app.ecosystem) {
    case 'go':
    case 'rust':
      return { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '1', memory: '128Mi' } };
    case 'node':
      return app.framework === 'next'
        ? { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }
        : { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } };
    case 'python':
      return { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } };
    case 'java':
      return { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } };
  }
}

/**
 * What the runtime writes besides `/tmp`, per ecosystem, with the reason. `/tmp` is always there: every
 * runtime's temporary files go to it (Node's `os.tmpdir()`, Python's `tempfile`, the JVM's `java.io.tmpdir`
 * with its `hsperfdata_<user>` and Tomcat's work directories, Go's `os.TempDir()`).
 *  - Node.js: nothing else; `node` writes no cache of its own. Next.js writes its image-optimisation and
 *    fetch cache under `.next/cache` (ISR pages rewritten at run time go to `.next/server`, which must stay
 *    the image's: turn that off with `experimental.isrFlushToDisk: false`, or use a shared cache handler).
 *  - Python: nothing else; the Dockerfile sets `PYTHONDONTWRITEBYTECODE=1`, and the bytecode of the
 *    dependencies was compiled at build time, so no `__pycache__` is written.
 *  - Go, Rust: static binaries that write nothing but what the app itself writes.
 *  - Java: nothing else; the jlink or distroless JRE needs only `/tmp`.
 */
function writablePaths(app: DetectedApp, workdir: string): WritablePath[] {
  const paths: WritablePath[] = [{ path: '/tmp', sizeLimit: '64Mi', reason: 'temporary files of the runtime and the app' }];
  if (app.ecosystem === 'node' && app.framework === 'next') {
    paths.push({ path: `${workdir === '/' ? '' : workdir}/.next/cache`, sizeLimit: '256Mi', reason: "Next.js's image-optimisation and fetch cache" });
  }
  return paths;
}

/** The runtime stage's `USER` and `WORKDIR` from a generated Dockerfile. */
export function runtimeFacts(dockerfile: string): { user?: string; workdir: string } {
  const lines = dockerfile.split('\n');
  const lastFrom = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  const stage = lines.slice(Math.max(lastFrom, 0));
  const user = stage.findLast((l) => /^USER\s/i.test(l))?.replace(/^USER\s+/i, '').trim();
  const workdir = stage.findLast((l) => /^WORKDIR\s/i.test(l))?.replace(/^WORKDIR\s+/i, '').trim() ?? '/';
  return { ...(user === undefined ? {} : { user }), workdir };
}

/** A DNS-1123 label (what Deployment and Service names must be) from an app name such as `@scope/web-api`. */
export function kubernetesName(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? 'app' : label;
}

function setComment(map: unknown, key: string, comment: string): void {
  if (!isMap(map)) return;
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}

/** The Deployment and Service for `app`, whose generated Dockerfile is `dockerfile`. */
export function generateDeployment(app: DetectedApp, dockerfile: string, options: DeploymentOptions = {}): GeneratedDeployment {
  const notes: string[] = [];
  const name = kubernetesName(app.name);
  const image = options.image ?? imagePlaceholder;
  if (options.image === undefined) notes.push(`k8s/deployment.yaml: the image is a placeholder (${imagePlaceholder}); set it with --image REF or kubectl set image`);
  const port = app.port ?? defaultPort;
  if (app.port === undefined) notes.push(`k8s/deployment.yaml: no port detected; the container port and probes assume ${defaultPort}`);
  const facts = runtimeFacts(dockerfile);
  const ids = /^(\d+)(?::(\d+))?$/.exec(facts.user ?? '');
  const runAsUser = ids?.[1] === undefined ? undefined : Number(ids[1]);
  const runAsGroup = ids?.[2] === undefined ? runAsUser : Number(ids[2]);
  if (runAsUser === undefined) notes.push(`k8s/deployment.yaml: the image's user (${facts.user ?? 'none'}) is not numeric; runAsNonRoot needs a numeric USER to be checked`);
  const writable = writablePaths(app, facts.workdir);
  const probe = app.healthPath === undefined ? ({ kind: 'tcp' } as const) : ({ kind: 'http', path: app.healthPath } as const);
  const check = probe.kind === 'http' ? { httpGet: { path: probe.path, port: 'http' } } : { tcpSocket: { port: 'http' } };
  const labels = { 'app.kubernetes.io/name': name };
  const volumeName = (path: string): string => kubernetesName(path.replace(/^\//, '').replace(/[/.]+/g, '-'));

  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            ...(runAsUser === undefined ? {} : { runAsUser, runAsGroup }),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name,
              image,
              ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
              securityContext: {
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
              resources: resourcesFor(app),
              startupProbe: { ...check, periodSeconds: 2, failureThreshold: 30 },
              readinessProbe: { ...check, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: { ...check, periodSeconds: 20, failureThreshold: 3 },
              volumeMounts: writable.map((w) => ({ name: volumeName(w.path), mountPath: w.path })),
            },
          ],
          volumes: writable.map((w) => ({ name: volumeName(w.path), emptyDir: { sizeLimit: w.sizeLimit } })),
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels },
    spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };

  const doc = new Document(deployment, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` Generated by shipshape init --k8s for ${app.name}.`,
    ' Runs under the Pod Security Standards "restricted" profile with a read-only root filesystem; the',
    ' paths the app writes are emptyDir volumes. Apply with: kubectl apply -f k8s/deployment.yaml',
  ].join('\n');
  const podSpec = doc.getIn(['spec', 'template', 'spec'], true);
  setComment(podSpec, 'automountServiceAccountToken', ' the app does not call the Kubernetes API: no token in the pod');
  setComment(
    podSpec,
    'securityContext',
    runAsUser === undefined ? ' the image must run as a non-root user' : ` the image's own user (USER ${facts.user ?? ''} in the Dockerfile)`,
  );
  const container = doc.getIn(['spec', 'template', 'spec', 'containers', 0], true);
  setComment(container, 'image', options.image === undefined ? ' placeholder: set with shipshape init --k8s --image REF, kubectl set image or kustomize' : ' from --image');
  setComment(container, 'resources', ' starting points for this kind of app: measure (kubectl top pod) and adjust');
  setComment(
    container,
    'startupProbe',
    probe.kind === 'http' ? ` the app serves ${probe.path}; startup allows 60 s before liveness takes over` : ' no HTTP health path detected: a TCP connect to the port; startup allows 60 s before liveness takes over',
  );
  setComment(container, 'volumeMounts', writable.map((w) => ` ${w.path}: ${w.reason}`).join('\n'));

  const serviceDoc = new Document(service, { aliasDuplicateObjects: false });
  const text = `${doc.toString({ lineWidth: 0 })}---\n${serviceDoc.toString({ lineWidth: 0 })}`;
  return {
    text,
    name,
    image,
    ...(runAsUser === undefined ? {} : { runAsUser }),
    ...(runAsGroup === undefined ? {} : { runAsGroup }),
    port,
    writable,
    probe,
    notes,
  };
}
