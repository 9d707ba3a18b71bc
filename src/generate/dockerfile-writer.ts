/**
 * Writes Dockerfiles the way every generator wants them: base images substituted by `--base-map` or pinned to
 * digests, `COPY --link` only where the frontend has it (not in `--compat` mode: Docker 20.10's built-in
 * BuildKit frontend rejects it), exec-form commands, and long `RUN` lines continued readably. Heredocs are
 * never written, so the output builds on old frontends in both modes.
 */

export interface WriterOptions {
  /** Avoid features older built-in BuildKit frontends lack (`COPY --link`, heredocs). */
  compat: boolean;
  /** Base image substitutions: exact reference, or repository without tag → replacement reference. */
  baseMap: Record<string, string>;
  /** Digests resolved for base references as written (after mapping): `node:22-bookworm-slim` → `sha256:…`. */
  digests: Record<string, string>;
}

export interface CacheMount {
  target: string;
  id?: string;
  sharing?: 'shared' | 'private' | 'locked';
}

/** The repository part of a reference (`gcr.io/distroless/static-debian12`), without tag or digest. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Applies `--base-map`: an exact key wins over a repository-only key. */
export function mapBase(ref: string, baseMap: Record<string, string>): string | undefined {
  return baseMap[ref] ?? baseMap[repositoryOf(ref)];
}

/** JSON array form, as the Dockerfile reference defines exec form. */
export function execForm(args: readonly string[]): string {
  return JSON.stringify(args).replace(/","/g, '", "');
}

export class DockerfileWriter {
  private readonly lines: string[] = [];
  /** Base references in order of use (after `--base-map`): what `--pin` resolves. */
  readonly bases: string[] = [];
  /** Context paths copied by name (not `.`): a `.dockerignore` must never exclude these. */
  readonly required: string[] = [];

  constructor(private readonly options: WriterOptions) {}

  comment(...text: string[]): this {
    for (const line of text) this.lines.push(line === '' ? '#' : `# ${line}`);
    return this;
  }

  blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
    return this;
  }

  /** `FROM ref [AS stage]`, with the reason for the base in a comment above it. */
  from(ref: string, stage: string | undefined, why: string[]): this {
    this.blank();
    this.comment(...why);
    const mapped = mapBase(ref, this.options.baseMap);
    const image = mapped ?? ref;
    if (!this.bases.includes(image)) this.bases.push(image);
    const digest = this.options.digests[image];
    if (mapped !== undefined) this.comment(`${ref} replaced by --base-map`);
    if (digest !== undefined) {
      this.comment(`pinned to its digest by shipshape init --pin; a bot (renovate, dependabot) keeps it current`);
    } else {
      this.comment(`not pinned to a digest: run shipshape init --pin where the registry is reachable`);
    }
    this.lines.push(`FROM ${digest === undefined ? image : `${image}@${digest}`}${stage === undefined ? '' : ` AS ${stage}`}`);
    return this;
  }

  instruction(keyword: string, rest: string): this {
    this.lines.push(`${keyword} ${rest}`);
    return this;
  }

  /** COPY from the context (or another stage with `from`), `--link` unless in compat mode. */
  copy(sources: string[], dest: string, options: { from?: string; chown?: string } = {}): this {
    const flags: string[] = [];
    if (options.from !== undefined) flags.push(`--from=${options.from}`);
    if (options.chown !== undefined) flags.push(`--chown=${options.chown}`);
    // --link makes the layer independent of the one below it, so a base change does not invalidate it
    if (!this.options.compat) flags.push('--link');
    if (options.from === undefined) for (const s of sources) if (s !== '.' && !this.required.includes(s)) this.required.push(s);
    this.lines.push(`COPY ${[...flags, ...sources, dest].join(' ')}`);
    return this;
  }

  /**
   * A shell-form RUN (package managers need a shell), with BuildKit cache mounts and secret mounts (by id, at
   * `/run/secrets/<id>`); `commands` are joined by `&&`. A secret mount is optional (BuildKit's default
   * `required=false`): without the secret the file is absent and the RUN goes on.
   */
  run(commands: string[], caches: CacheMount[] = [], secrets: string[] = []): this {
    const mounts = [
      ...caches.map((c) => `--mount=type=cache,target=${c.target}${c.id === undefined ? '' : `,id=${c.id}`}${c.sharing === undefined ? '' : `,sharing=${c.sharing}`}`),
      ...secrets.map((id) => `--mount=type=secret,id=${id}`),
    ];
    const head = ['RUN', ...mounts].join(' ');
    if (commands.length === 1 && mounts.length === 0) {
      this.lines.push(`${head} ${commands[0] ?? ''}`);
      return this;
    }
    if (mounts.length > 0) this.lines.push(`${head} \\`);
    commands.forEach((command, i) => {
      const prefix = i === 0 ? (mounts.length > 0 ? '    ' : `${head} `) : '    && ';
      this.lines.push(`${prefix}${command}${i < commands.length - 1 ? ' \\' : ''}`);
    });
    return this;
  }

  toString(): string {
    while (this.lines[this.lines.length - 1] === '') this.lines.pop();
    return `${this.lines.join('\n')}\n`;
  }
}
