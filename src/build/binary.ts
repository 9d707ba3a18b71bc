/**
 * `build --binary`: an image of one compiled program (Go, Rust, C), as ko does for Go. The base follows from the
 * ELF's needs, as distroless advises: no DT_NEEDED and no interpreter → `static`; glibc (and OpenSSL) → `base`;
 * libstdc++/libgcc_s/libgomp → `cc`. Anything else is not in those bases and must come with `--base`.
 */
import { basename } from 'node:path';
import type { Image } from '../image/types.js';
import { invalidInput } from '../internal/errors.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import { withElfFile } from '../internal/elf.js';
import { append } from '../image/mutate/index.js';
import { imageConfig, rfc3339 } from './config.js';
import { lstatFile } from './files.js';
import { layerOf, packLayer } from './layer.js';
import { appDir, type BuildResult } from './node.js';

export type BinaryPreset = 'static' | 'base' | 'cc';

/** Libraries of glibc (libc6) and OpenSSL (libssl3): what the `base` preset holds. */
const baseLibraries = /^(?:libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1|libnss_[a-z]+\.so\.2|ld-linux-[\w-]+\.so\.\d|ld-linux\.so\.\d|libssl\.so\.3|libcrypto\.so\.3)$/;
/** Added by `cc`: the C++ runtime, libgcc's unwinder and OpenMP. */
const ccLibraries = /^(?:libstdc\+\+\.so\.6|libgcc_s\.so\.1|libgomp\.so\.1)$/;

const architectures: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64' };

export interface BinaryNeeds {
  preset: BinaryPreset;
  /** DT_NEEDED entries. */
  needed: string[];
  interpreter?: string;
  /** Debian/OCI architecture name. */
  architecture: string;
}

/** The base preset a binary needs, from its ELF headers. */
export function binaryNeeds(path: string): BinaryNeeds {
  return withElfFile(path, (elf) => {
    if (elf.type !== 'executable' && elf.type !== 'shared') throw invalidInput(path, `is an ELF ${elf.type} file, not a program`);
    const architecture = architectures[elf.machineName];
    if (architecture === undefined) throw invalidInput(path, `is built for ${elf.machineName}; images are built for amd64 and arm64`);
    const needed = elf.needed();
    const interpreter = elf.interpreter();
    const foreign = needed.filter((n) => !baseLibraries.test(n) && !ccLibraries.test(n));
    if (foreign.length > 0) throw invalidInput(path, `needs ${foreign.join(', ')}, which no preset base holds; pass --base IMAGE with them`);
    const preset: BinaryPreset = needed.some((n) => ccLibraries.test(n)) ? 'cc' : needed.length > 0 || interpreter !== undefined ? 'base' : 'static';
    return { preset, needed, architecture, ...(interpreter === undefined ? {} : { interpreter }) };
  });
}

export interface BinaryBuildOptions {
  binary: string;
  base: Image;
  baseName: string;
  env?: readonly string[];
  ports?: readonly number[];
  labels?: Readonly<Record<string, string>>;
  sourceDateEpoch?: number;
  cacheDir: string;
  events: EventSink;
}

/** The image: the base plus one layer holding the program at /app/NAME, its entrypoint. */
export async function buildBinaryImage(options: BinaryBuildOptions): Promise<BuildResult> {
  const timings: Record<string, number> = {};
  const info = await lstatFile(options.binary);
  if (!info.isFile()) throw invalidInput(options.binary, 'is not a regular file');
  const epoch = options.sourceDateEpoch ?? Math.floor(info.mtimeMs / 1000);
  const name = basename(options.binary);
  const start = performance.now();
  const task = new ProgressTask(options.events, 'build-layers', `writing the layer of ${name}`);
  const packed = await packLayer([{ path: `${appDir}/${name}`, source: { path: name, source: options.binary }, executable: true }], epoch);
  const { layer, cached } = await layerOf(packed.tar, options.cacheDir);
  task.end();
  timings.layers = Math.round(performance.now() - start);
  const created = rfc3339(epoch);
  const entrypoint = [`/${appDir}/${name}`];
  const { config, annotations } = imageConfig({
    base: options.base,
    baseName: options.baseName,
    entrypoint,
    workingDir: `/${appDir}`,
    env: options.env ?? [],
    defaults: [],
    ports: options.ports ?? [],
    labels: options.labels ?? {},
    created,
    title: name,
  });
  const image = append(options.base, [{ layer, createdBy: `shipshape build --binary ${name}` }], { config, created, annotations });
  return {
    image,
    layers: [...options.base.layers.map((l) => ({ role: 'base' as const, layer: l })), { role: 'binary', layer, files: 1, cached }],
    entrypoint,
    created: epoch,
    timings,
    droppedDev: [],
  };
}
