/**
 * `build --binary`: an image of one compiled program (Go, Rust, C), as ko does for Go. The base follows from the
 * ELF's needs (`internal/distroless-preset.ts`); a library in none of the presets must come with `--base`.
 */
import { basename } from 'node:path';
import type { Image } from '../image/types.js';
import { invalidInput } from '../internal/errors.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import { distrolessPreset, type DistrolessPreset, foreignLibraries } from '../internal/distroless-preset.js';
import { withElfFile } from '../internal/elf.js';
import { append } from '../image/mutate/index.js';
import { imageConfig, rfc3339 } from './config.js';
import { lstatFile } from './files.js';
import { layerOf, packLayer } from './layer.js';
import { appDir, type BuildResult } from './node.js';

export type BinaryPreset = DistrolessPreset;

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
    const preset = distrolessPreset(needed, interpreter);
    if (preset === undefined) throw invalidInput(path, `needs ${foreignLibraries(needed).join(', ')}, which no preset base holds; pass --base IMAGE with them`);
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
