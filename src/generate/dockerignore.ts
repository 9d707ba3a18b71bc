/**
 * The `.dockerignore` for a project: version control, dependencies and build output (rebuilt in the image),
 * secrets, tests, docs, editor and CI files, chosen from what the project holds. Matching follows Docker's
 * own rules (`@balena/dockerignore` ports moby's pattern matcher), and a pattern that would exclude a file the
 * Dockerfile needs is dropped, so the generated file can never break the build it comes with.
 */
import dockerignore from '@balena/dockerignore';
import type { DetectedApp } from './types.js';

// a CommonJS module whose typings declare an ES default export: under NodeNext that lands on `.default`
const ignore = dockerignore.default;

interface Section {
  title: string;
  patterns: string[];
}

/** Names that are secrets wherever they are; their contents must never reach the engine (or its cache). */
export const secretPatterns: readonly string[] = ['**/.env', '**/.env.*', '!**/.env.example', '**/*.pem', '**/*.key', '**/*.p12', '**/*.pfx', '**/id_rsa*', '**/id_ed25519*', '**/id_ecdsa*', '**/.npmrc', '**/.pypirc', '**/.netrc', '**/credentials.json', '**/.aws', '**/.ssh'];

function sectionsFor(app: DetectedApp | undefined, present: ReadonlySet<string>): Section[] {
  const has = (name: string): boolean => present.has(name);
  const sections: Section[] = [{ title: 'Version control', patterns: ['.git', '.hg', '.svn'] }];
  const output: string[] = [];
  const tests: string[] = [];
  const secrets: string[] = [];
  switch (app?.ecosystem) {
    case 'node':
      output.push('**/node_modules', '.next', '.nuxt', '.turbo', '.cache', 'coverage', '.nyc_output', '*.tsbuildinfo', 'npm-debug.log*', 'yarn-error.log');
      {
        // the context of a workspace member is the workspace root: its output (and its built libraries') lies in its folder
        const ws = app.workspace;
        const within = (member: string, dir: string): string => (member === '.' ? dir : `${member}/${dir}`);
        if (app.build) output.push(ws === undefined ? app.outDir : within(ws.member, app.outDir));
        for (const library of ws?.built ?? []) output.push(within(library.member, library.outDir));
      }
      tests.push('test', 'tests', '__tests__', 'e2e', 'cypress', 'playwright-report');
      break;
    case 'go':
      output.push('bin', 'vendor', '*.exe', '*.test', 'coverage.out');
      tests.push('**/*_test.go');
      break;
    case 'python':
      output.push('**/__pycache__', '**/*.py[cod]', '.venv', 'venv', 'env', 'build', 'dist', '*.egg-info', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.coverage', 'htmlcov');
      // the context of a uv workspace member is the workspace root: each member's build output lies in its folder
      if (app.workspace !== undefined) for (const member of app.workspace.members) output.push(`${member}/build`, `${member}/dist`, `${member}/*.egg-info`);
      tests.push('tests', 'test');
      // pip's configuration may hold an index URL with credentials; the build's pip installs never read it
      secrets.push('**/pip.conf', '**/pip.ini');
      break;
    case 'java':
      output.push('target', 'build', '.gradle', 'out', '*.class', '*.log');
      tests.push('src/test');
      break;
    case 'rust':
      output.push('target', '**/*.rs.bk');
      tests.push('tests', 'benches');
      // registry tokens (`cargo login`) when CARGO_HOME is the project's .cargo
      secrets.push('.cargo/credentials', '.cargo/credentials.toml');
      break;
    case undefined:
      output.push('**/node_modules', 'target', '**/__pycache__', '.venv');
  }
  sections.push({ title: 'Dependencies and build output: rebuilt inside the image', patterns: output });
  sections.push({ title: 'Secrets: never send them to the engine (pass them with RUN --mount=type=secret)', patterns: [...secretPatterns, ...secrets] });
  const docs = ['docs', '*.md', '!README.md', 'LICENSE*'].filter((p) => p.startsWith('*') || p.startsWith('!') || p.endsWith('*') || has(p));
  sections.push({ title: 'Tests and docs', patterns: [...tests.filter((t) => t.includes('*') || t.includes('/') || has(t)), ...docs] });
  // `k8s/deployment.yaml` by its full name (what `init --k8s` writes): a folder named k8s may well be source code
  sections.push({
    title: 'Editor, OS, CI and container files',
    patterns: ['.vscode', '.idea', '*.swp', '*~', '.DS_Store', 'Thumbs.db', '.github', '.gitlab-ci.yml', '.circleci', '.travis.yml', '.editorconfig', 'Dockerfile*', '.dockerignore', 'docker-compose*.yml', 'docker-compose*.yaml', 'compose*.yml', 'compose*.yaml', 'k8s/deployment.yaml'],
  });
  return sections;
}

/** Whether Docker would exclude `path` under `patterns`. */
export function excludedBy(patterns: readonly string[], path: string): boolean {
  // Docker matches case-sensitively; the library folds case unless told not to
  return ignore({ ignorecase: false }).add([...patterns]).ignores(path);
}

/**
 * The `.dockerignore` text for `app` (or a generic one), given the names at the context's top level and the
 * paths the Dockerfile copies by name (`keep`): a pattern that would exclude one of those is left out.
 */
export function generateDockerignore(app: DetectedApp | undefined, present: Iterable<string>, keep: readonly string[]): { text: string; dropped: string[] } {
  const sections = sectionsFor(app, new Set(present));
  const dropped: string[] = [];
  for (const section of sections) {
    section.patterns = section.patterns.filter((pattern) => {
      if (pattern.startsWith('!')) return true;
      const breaks = keep.filter((path) => excludedBy([pattern], path.replace(/\/+$/, '')));
      if (breaks.length > 0) dropped.push(`${pattern} (would exclude ${breaks.join(', ')})`);
      return breaks.length === 0;
    });
  }
  const lines = ['# Generated by shipshape init: what the image build does not need.', "# Docker's matching rules; check the result with `shipshape context`."];
  for (const section of sections) {
    if (section.patterns.length === 0) continue;
    lines.push('', `# ${section.title}`, ...section.patterns);
  }
  return { text: `${lines.join('\n')}\n`, dropped };
}
