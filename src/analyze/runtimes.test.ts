/**
 * The low end of the size estimate per runtime: which runtime the image runs, which distroless base it would run on,
 * and what of the old base it would carry. The Go and Rust programs are the real binaries of the SBOM cataloger
 * fixtures (see their README); the Python and Java layouts are those of the python:3.12-slim, Debian python3,
 * eclipse-temurin and Debian openjdk images, with filler content.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { formatText } from './formatters/text.js';
import { analyzeImage } from './engine.js';
import { buildImage, countingReads, type FileSpec, type ImageSpec } from '../testing/images.js';
import { scriptExec, unreadProgram, wantsElf, wantsLibraries } from './runtimes.js';
import { scanImage, type FileResolver } from '../fs/index.js';
import { ElfFile } from '../internal/elf.js';

const goHello = readFileSync(resolve(import.meta.dirname, '../sbom/catalogers/go/__fixtures__/hello'));
const rustHello = readFileSync(resolve(import.meta.dirname, '../sbom/catalogers/rust/__fixtures__/hello'));
const MiB = 1024 * 1024;

/** A shared library in Debian's multiarch folder under its full version, and the soname link that programs load. */
function multiarchLibrary(file: string, content: Buffer): FileSpec[] {
  const dir = 'usr/lib/x86_64-linux-gnu';
  const soname = file.replace(/^(.*\.so\.\d+)\..*$/, '$1');
  return [
    { path: `${dir}/${file}`, content },
    { path: `${dir}/${soname}`, type: 'symlink', target: file },
  ];
}

/** A 30 MB base that ends with its CMD, then the image's own layer. */
function image(config: ImageSpec['config'], base: FileSpec[], own: FileSpec[]): ImageSpec {
  return {
    config,
    layers: [
      { files: [{ path: 'usr/lib/libbig.so', content: Buffer.alloc(30_000_000) }, ...base], createdBy: '/bin/sh -c #(nop) ADD file:base in / ' },
      { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["sh"]' },
      { files: own, createdBy: 'COPY . /app # buildkit' },
    ],
  };
}

async function estimate(spec: ImageSpec): Promise<Awaited<ReturnType<typeof analyzeImage>>['report']['estimate']> {
  return (await analyzeImage(await buildImage(spec))).report.estimate;
}

describe('size estimate per runtime', () => {
  it('puts a static Go program on distroless/static, carrying nothing of the old base', async () => {
    const e = await estimate(image({ Entrypoint: ['/app/hello'] }, [], [{ path: 'app/hello', content: goHello, mode: 0o755 }]));
    expect(e.runtime).toEqual({ id: 'go', program: '/app/hello', base: 'distroless/static', baseBytes: 2 * MiB, carriedBytes: 0 });
    expect(e.high).toBe(30_000_000 + goHello.length);
    expect(e.low).toBe(goHello.length + 2 * MiB);
  });

  it('puts a Rust program linking libgcc_s on distroless/cc, found behind tini along PATH', async () => {
    const e = await estimate(
      image({ Env: ['PATH=/app/bin:/usr/bin'], Entrypoint: ['/usr/bin/tini', '--'], Cmd: ['hello'] }, [{ path: 'usr/bin/tini', size: 20_000, mode: 0o755 }], [{ path: 'app/bin/hello', content: rustHello, mode: 0o755 }]),
    );
    expect(e.runtime).toEqual({ id: 'rust', program: '/app/bin/hello', base: 'distroless/cc', baseBytes: 23 * MiB, carriedBytes: 0 });
    expect(e.low).toBe(rustHello.length + 23 * MiB);
  });

  it('finds a symlinked program by the name its target shares', async () => {
    const e = await estimate(image({ Cmd: ['/usr/local/bin/hello'] }, [], [{ path: 'app/hello', content: goHello, mode: 0o755 }, { path: 'usr/local/bin/hello', type: 'symlink', target: '/app/hello' }]));
    expect(e.runtime?.id).toBe('go');
  });

  it('recognises a compiled program the command starts through symlinks of other names', async () => {
    // /usr/local/bin/app → /opt/hello/hello: the link comes after its target in the layer, so the scan met the program
    // before knowing any link leads to it
    const go = await estimate(image({ Entrypoint: ['/usr/local/bin/app'] }, [], [{ path: 'opt/hello/hello', content: goHello, mode: 0o755 }, { path: 'usr/local/bin/app', type: 'symlink', target: '/opt/hello/hello' }]));
    expect(go.runtime).toEqual({ id: 'go', program: '/opt/hello/hello', base: 'distroless/static', baseBytes: 2 * MiB, carriedBytes: 0 });
    expect(go.low).toBe(goHello.length + 2 * MiB);

    // `app` along PATH → ../tool/bin/run (relative) → tool, a Rust program the base ships: carried from the base's layer
    const rust = await estimate(
      image(
        { Env: ['PATH=/opt/bin:/usr/bin'], Cmd: ['app', '--port', '8080'] },
        [
          { path: 'opt/tool/bin/tool', content: rustHello, mode: 0o755 },
          { path: 'opt/tool/bin/run', type: 'symlink', target: 'tool' },
        ],
        [{ path: 'opt/bin/app', type: 'symlink', target: '../tool/bin/run' }],
      ),
    );
    expect(rust.runtime).toEqual({ id: 'rust', program: '/opt/tool/bin/tool', base: 'distroless/cc', baseBytes: 23 * MiB, carriedBytes: rustHello.length });
  });

  it('takes a file another analyzer kept whole for what it is when the command names it, not for a program', async () => {
    // package.json and /etc/passwd bodies are kept whole for other analyzers; a command naming one must not break the report
    for (const path of ['app/package.json', 'etc/passwd']) {
      const e = await estimate(image({ Cmd: [`/${path}`] }, [], [{ path, content: Buffer.from(path.endsWith('.json') ? '{"name":"x"}' : 'root:x:0:0::/root:/bin/sh\n'), mode: 0o755 }]));
      expect(e.runtime).toBeUndefined();
      expect(e.high).toBeGreaterThan(30_000_000);
    }
  });

  it('reads again only a program behind a link of another name, never an interpreter or a file the scan picked by name', async () => {
    const squashed = async (spec: ImageSpec): Promise<FileResolver> => (await scanImage(await buildImage(spec))).squashed;
    const go = image({ Entrypoint: ['/usr/local/bin/app'] }, [], [{ path: 'opt/hello/hello', content: goHello, mode: 0o755 }, { path: 'usr/local/bin/app', type: 'symlink', target: '/opt/hello/hello' }]);
    expect(unreadProgram(await squashed(go), go.config)?.path).toBe('/opt/hello/hello');
    // the entrypoint script wantsElf already read (and kept nothing of: not ELF)
    const script = image({ Entrypoint: ['docker-entrypoint.sh'], Cmd: ['node'] }, [{ path: 'usr/local/bin/docker-entrypoint.sh', size: 300, mode: 0o755 }], []);
    expect(unreadProgram(await squashed(script), script.config)).toBeUndefined();
    // node behind a link: recognised by the names along the link, its 90 MB never read
    const node = image({ Cmd: ['/usr/local/bin/app', 'server.js'] }, [{ path: 'usr/bin/nodejs', size: 90_000, mode: 0o755 }], [{ path: 'usr/local/bin/app', type: 'symlink', target: '/usr/bin/nodejs' }]);
    expect(unreadProgram(await squashed(node), node.config)).toBeUndefined();
  });

  it('reads no layer again for a script or a stub behind a link of another name, only for what may be a program', async () => {
    // how many times analyzeImage opens each layer's tar
    const reads = async (spec: ImageSpec): Promise<number[]> => {
      const built = await buildImage(spec);
      const count = built.layers.map(() => 0);
      await analyzeImage(countingReads(built, count));
      return count;
    };
    const script = Buffer.from(`#!/bin/sh\nset -e\n${'# set up the data folder\n'.repeat(40)}exec "$@"\n`);
    // postgres, redis, mongo: ENTRYPOINT ["/entrypoint.sh"], a link to the script that the package installed
    const entrypoint = image({ Entrypoint: ['/entrypoint.sh'], Cmd: ['app'] }, [{ path: 'usr/local/bin/docker-entrypoint.sh', content: script, mode: 0o755 }], [{ path: 'entrypoint.sh', type: 'symlink', target: 'usr/local/bin/docker-entrypoint.sh' }]);
    expect(await reads(entrypoint)).toEqual([1, 1]);
    // a file too small to hold an ELF header, whatever its name
    const stub = image({ Entrypoint: ['/usr/local/bin/app'] }, [], [{ path: 'opt/run/start', content: Buffer.from('#!/bin/sh\nexec /opt/run/real\n'), mode: 0o755 }, { path: 'usr/local/bin/app', type: 'symlink', target: '/opt/run/start' }]);
    expect(await reads(stub)).toEqual([1, 1]);
    // a program behind a link of another name: its layer is read again
    const go = image({ Entrypoint: ['/usr/local/bin/app'] }, [], [{ path: 'opt/hello/hello', content: goHello, mode: 0o755 }, { path: 'usr/local/bin/app', type: 'symlink', target: '/opt/hello/hello' }]);
    expect(await reads(go)).toEqual([1, 2]);
  });

  it('carries the python interpreter, its standard library and libpython, not the base’s pip (python:3.12-slim)', async () => {
    const e = await estimate(
      image(
        { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Cmd: ['python3', '/app/main.py'] },
        [
          { path: 'usr/local/bin/python3.12', size: 15_000, mode: 0o755 },
          { path: 'usr/local/bin/python3', type: 'symlink', target: 'python3.12' },
          { path: 'usr/local/lib/libpython3.12.so.1.0', content: Buffer.alloc(4_000_000, 4) },
          { path: 'usr/local/lib/python3.12/os.py', size: 40_000 },
          { path: 'usr/local/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so', size: 200_000 },
          { path: 'usr/local/lib/python3.12/site-packages/pip/__init__.py', content: Buffer.alloc(9_000_000, 3) },
        ],
        [{ path: 'app/main.py', size: 100 }],
      ),
    );
    expect(e.runtime).toEqual({ id: 'python', program: '/usr/local/bin/python3.12', base: 'distroless/cc', baseBytes: 23 * MiB, carriedBytes: 15_000 + 4_000_000 + 40_000 + 200_000 });
    expect(e.low).toBe(100 + 4_255_000 + 23 * MiB);
    expect(e.reasoning.join('\n')).toContain('plus the python 3.12 interpreter and standard library it carries (4255000 bytes)');
  });

  it('finds Debian’s python3 and its libpython under the multiarch folder', async () => {
    const e = await estimate(
      image(
        { Cmd: ['gunicorn', 'app:app'] },
        [
          { path: 'usr/bin/python3.11', content: Buffer.alloc(6_000_000, 5), mode: 0o755 },
          { path: 'usr/bin/python3', type: 'symlink', target: 'python3.11' },
          { path: 'usr/lib/python3.11/os.py', size: 40_000 },
          { path: 'usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', content: Buffer.alloc(7_000_000, 6) },
          { path: 'usr/lib/python3/dist-packages/apt/__init__.py', size: 1_000 },
        ],
        // gunicorn is a script the app installed: python on PATH runs it
        [{ path: 'usr/local/bin/gunicorn', size: 200, mode: 0o755 }],
      ),
    );
    expect(e.runtime).toMatchObject({ id: 'python', program: '/usr/bin/python3.11', carriedBytes: 13_040_000 });
  });

  it('carries JAVA_HOME (eclipse-temurin) or the JDK java resolves to (Debian openjdk)', async () => {
    const temurin = await estimate(
      image(
        { Env: ['JAVA_HOME=/opt/java/openjdk', 'PATH=/opt/java/openjdk/bin:/usr/bin'], Cmd: ['java', '-jar', '/app/app.jar'] },
        [
          { path: 'opt/java/openjdk/bin/java', size: 12_000, mode: 0o755 },
          { path: 'opt/java/openjdk/lib/modules', content: Buffer.alloc(4_000_000, 1) },
          { path: 'opt/java/openjdk/lib/server/libjvm.so', content: Buffer.alloc(2_000_000, 2) },
        ],
        [{ path: 'app/app.jar', size: 5_000 }],
      ),
    );
    expect(temurin.runtime).toEqual({ id: 'java', program: '/opt/java/openjdk/bin/java', base: 'distroless/cc', baseBytes: 23 * MiB, carriedBytes: 6_012_000 });
    expect(temurin.low).toBe(5_000 + 6_012_000 + 23 * MiB);

    const debian = await estimate(
      image(
        { Entrypoint: ['java', '-jar', '/app/app.jar'] },
        [
          { path: 'usr/lib/jvm/java-17-openjdk-amd64/bin/java', size: 12_000, mode: 0o755 },
          { path: 'usr/lib/jvm/java-17-openjdk-amd64/lib/modules', content: Buffer.alloc(4_000_000, 1) },
          { path: 'etc/alternatives/java', type: 'symlink', target: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' },
          { path: 'usr/bin/java', type: 'symlink', target: '/etc/alternatives/java' },
        ],
        [{ path: 'app/app.jar', size: 5_000 }],
      ),
    );
    expect(debian.runtime).toMatchObject({ id: 'java', program: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java', carriedBytes: 4_012_000 });
  });

  it('carries the libraries the extension modules link, and what those link in turn (Debian python3)', async () => {
    // real ELF files of this machine's Debian 12 python3.11 (libpython3.11-stdlib and the libraries it depends on):
    // readline's module links libreadline, which links libtinfo; _ctypes links libffi
    const stdlib = '/usr/lib/python3.11/lib-dynload';
    const readline = readFileSync(`${stdlib}/readline.cpython-311-x86_64-linux-gnu.so`);
    const ctypes = readFileSync(`${stdlib}/_ctypes.cpython-311-x86_64-linux-gnu.so`);
    const libreadline = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libreadline.so.8'));
    const libtinfo = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libtinfo.so.6'));
    const libffi = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libffi.so.8'));
    const e = await estimate(
      image(
        { Cmd: ['python3', '/app/main.py'] },
        [
          { path: 'usr/bin/python3.11', size: 60_000, mode: 0o755 },
          { path: 'usr/bin/python3', type: 'symlink', target: 'python3.11' },
          { path: 'usr/lib/python3.11/os.py', size: 40_000 },
          { path: 'usr/lib/python3.11/lib-dynload/readline.cpython-311-x86_64-linux-gnu.so', content: readline },
          ...multiarchLibrary('libreadline.so.8.2', libreadline),
          ...multiarchLibrary('libtinfo.so.6.4', libtinfo),
          ...multiarchLibrary('libffi.so.8.1.2', libffi),
          // nothing links it: not carried
          { path: 'usr/lib/x86_64-linux-gnu/libunused.so.1', content: Buffer.alloc(500_000, 9) },
        ],
        [
          { path: 'app/main.py', size: 100 },
          // an extension module the app installed into its virtualenv
          { path: 'app/.venv/lib/python3.11/site-packages/native/_speedups.cpython-311-x86_64-linux-gnu.so', content: ctypes },
        ],
      ),
    );
    const libraries = ['/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2', '/usr/lib/x86_64-linux-gnu/libreadline.so.8.2', '/usr/lib/x86_64-linux-gnu/libtinfo.so.6.4'];
    const linked = libreadline.length + libtinfo.length + libffi.length;
    expect({ ...e.runtime, libraries: [...(e.runtime?.libraries ?? [])].sort() }).toEqual({
      id: 'python',
      program: '/usr/bin/python3.11',
      base: 'distroless/cc',
      baseBytes: 23 * MiB,
      carriedBytes: 60_000 + 40_000 + readline.length + linked,
      libraries,
    });
    expect(e.low).toBe(100 + ctypes.length + 60_000 + 40_000 + readline.length + linked + 23 * MiB);
    expect(e.reasoning.join('\n')).toContain(`plus 3 shared libraries its native code links (${linked} bytes: `);
  });

  it('parses only what python loads and what that links, reading a library behind a run path from its layer again', async () => {
    // real ELF files of this machine: libpulse-simple (as an extension module) links libpulse and libpulsecommon, which
    // its run path finds in pulseaudio/, a folder ld.so does not search otherwise; libpulsecommon links libasyncns
    const dir = '/usr/lib/x86_64-linux-gnu';
    const module = readFileSync(`${dir}/libpulse-simple.so.0`);
    const libpulse = readFileSync(realpathSync(`${dir}/libpulse.so.0`));
    const libpulsecommon = readFileSync(`${dir}/pulseaudio/libpulsecommon-16.1.so`);
    const libasyncns = readFileSync(realpathSync(`${dir}/libasyncns.so.0`));
    const spec = image(
      { Cmd: ['python3', '/app/main.py'] },
      [
        { path: 'usr/bin/python3.11', size: 60_000, mode: 0o755 },
        { path: 'usr/bin/python3', type: 'symlink', target: 'python3.11' },
        { path: 'usr/lib/python3.11/os.py', size: 40_000 },
        { path: 'usr/lib/python3/dist-packages/pulse/_simple.cpython-311-x86_64-linux-gnu.so', content: module },
        ...multiarchLibrary('libpulse.so.0.24.2', libpulse),
        ...multiarchLibrary('libasyncns.so.0.3.1', libasyncns),
        { path: 'usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-16.1.so', content: libpulsecommon },
        // what nothing links: glibc's converters and PAM's modules (253 and 44 of the python stand-in's 413 objects)
        { path: 'usr/lib/x86_64-linux-gnu/gconv/IBM1047.so', content: readFileSync(`${dir}/gconv/IBM1047.so`) },
        { path: 'usr/lib/x86_64-linux-gnu/security/pam_unix.so', content: readFileSync(`${dir}/security/pam_unix.so`) },
        // what distroless/cc holds: the closure stops at it, whatever links it
        ...multiarchLibrary('libstdc++.so.6.0.30', readFileSync(realpathSync(`${dir}/libstdc++.so.6`))),
      ],
      [{ path: 'app/main.py', size: 100 }],
    );
    const built = await buildImage(spec);
    const reads = built.layers.map(() => 0);
    // which objects are parsed: the reader itself, watched
    const parse = vi.spyOn(ElfFile, 'parse');
    let e: Awaited<ReturnType<typeof estimate>>;
    let parsed: (string | undefined)[];
    try {
      e = (await analyzeImage(countingReads(built, reads))).report.estimate;
      parsed = parse.mock.calls.map(([, path]) => path).sort();
    } finally {
      parse.mockRestore();
    }
    expect(parsed).toEqual([
      '/usr/lib/python3/dist-packages/pulse/_simple.cpython-311-x86_64-linux-gnu.so',
      '/usr/lib/x86_64-linux-gnu/libasyncns.so.0.3.1',
      '/usr/lib/x86_64-linux-gnu/libpulse.so.0.24.2',
      '/usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-16.1.so',
    ]);
    // the base layer once for the scan, once more for libpulsecommon alone
    expect(reads).toEqual([2, 1]);
    // the base's extension module counts with what it links (dist-packages is not carried as a whole)
    expect([...(e.runtime?.libraries ?? [])].sort()).toEqual([
      '/usr/lib/python3/dist-packages/pulse/_simple.cpython-311-x86_64-linux-gnu.so',
      '/usr/lib/x86_64-linux-gnu/libasyncns.so.0.3.1',
      '/usr/lib/x86_64-linux-gnu/libpulse.so.0.24.2',
      '/usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-16.1.so',
    ]);
    expect(e.runtime?.carriedBytes).toBe(60_000 + 40_000 + module.length + libpulse.length + libasyncns.length + libpulsecommon.length);
  });

  it('carries what the JVM’s own libraries and the image’s JNI libraries link (Debian openjdk)', async () => {
    // real ELF files: the JRE's libzip links libz; a JNI library the app ships (libreadline's bytes) links libtinfo
    const jdk = '/usr/lib/jvm/java-17-openjdk-amd64';
    const libzip = readFileSync(`${jdk}/lib/libzip.so`);
    const libz = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libz.so.1'));
    const jni = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libreadline.so.8'));
    const libtinfo = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libtinfo.so.6'));
    const e = await estimate(
      image(
        { Entrypoint: ['java', '-Djava.library.path=/app/native', '-jar', '/app/app.jar'] },
        [
          { path: `${jdk.slice(1)}/bin/java`, size: 12_000, mode: 0o755 },
          { path: `${jdk.slice(1)}/lib/libzip.so`, content: libzip },
          { path: 'usr/bin/java', type: 'symlink', target: `${jdk}/bin/java` },
          { path: 'usr/lib/x86_64-linux-gnu/libz.so.1.2.13', content: libz },
          { path: 'usr/lib/x86_64-linux-gnu/libz.so.1', type: 'symlink', target: 'libz.so.1.2.13' },
          ...multiarchLibrary('libtinfo.so.6.4', libtinfo),
        ],
        [
          { path: 'app/app.jar', size: 5_000 },
          { path: 'app/native/libterm.so', content: jni },
        ],
      ),
    );
    expect(e.runtime).toMatchObject({ id: 'java', program: `${jdk}/bin/java`, carriedBytes: 12_000 + libzip.length + libz.length + libtinfo.length });
    expect([...(e.runtime?.libraries ?? [])].sort()).toEqual(['/usr/lib/x86_64-linux-gnu/libtinfo.so.6.4', '/usr/lib/x86_64-linux-gnu/libz.so.1.2.13']);
  });

  it('carries the libraries node’s native addons link from the old base (node:20-slim)', async () => {
    // real ELF files of this machine, renamed as addons are: _ctypes links libffi (as ffi-napi's binding does), readline's
    // module links libreadline; better-sqlite3's binding links only libstdc++ and glibc, which distroless/cc holds
    const stdlib = '/usr/lib/python3.11/lib-dynload';
    const ffi = readFileSync(`${stdlib}/_ctypes.cpython-311-x86_64-linux-gnu.so`);
    const term = readFileSync(`${stdlib}/readline.cpython-311-x86_64-linux-gnu.so`);
    const sqlite = readFileSync(resolve(import.meta.dirname, '../../node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
    const libffi = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libffi.so.8'));
    const libreadline = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libreadline.so.8'));
    const libtinfo = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libtinfo.so.6'));
    const libstdcxx = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libstdc++.so.6'));
    const e = await estimate(
      image(
        { Entrypoint: ['tini', '--'], Cmd: ['node', '/app/server.js'] },
        [
          { path: 'usr/local/bin/node', size: 90_000, mode: 0o755 },
          ...multiarchLibrary('libffi.so.8.1.2', libffi),
          ...multiarchLibrary('libreadline.so.8.2', libreadline),
          // what libreadline links in turn: the scan read only the addons, so libreadline's layer is read again
          ...multiarchLibrary('libtinfo.so.6.4', libtinfo),
          // nothing links it: not carried
          { path: 'usr/lib/x86_64-linux-gnu/libunused.so.1', content: Buffer.alloc(500_000, 9) },
          // distroless/cc holds it: not carried
          { path: 'usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30', content: libstdcxx },
          { path: 'usr/lib/x86_64-linux-gnu/libstdc++.so.6', type: 'symlink', target: 'libstdc++.so.6.0.30' },
        ],
        [
          { path: 'app/server.js', size: 100 },
          { path: 'app/node_modules/ffi-napi/build/Release/ffi_bindings.node', content: ffi },
          { path: 'app/node_modules/term/build/Release/term.node', content: term },
          { path: 'app/node_modules/better-sqlite3/build/Release/better_sqlite3.node', content: sqlite },
        ],
      ),
    );
    const linked = libffi.length + libreadline.length + libtinfo.length;
    expect({ ...e.runtime, libraries: [...(e.runtime?.libraries ?? [])].sort() }).toEqual({
      id: 'node',
      program: '/usr/local/bin/node',
      base: 'distroless/cc',
      baseBytes: 23 * MiB,
      carriedBytes: 90_000 + linked,
      libraries: ['/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2', '/usr/lib/x86_64-linux-gnu/libreadline.so.8.2', '/usr/lib/x86_64-linux-gnu/libtinfo.so.6.4'],
    });
    expect(e.low).toBe(100 + ffi.length + term.length + sqlite.length + 90_000 + linked + 23 * MiB);
    expect(e.reasoning.join('\n')).toContain(`plus 3 shared libraries its native code links (${linked} bytes: `);
  });

  it('follows an addon’s run path to the library it bundles under node_modules, and what that links (sharp)', async () => {
    // built by __fixtures__/addon-runpath/make.sh: the addon links libvips-cpp.so.42 through its run path
    // ($ORIGIN/../../sharp-libvips-linux-x64/lib), and the bundled libvips-cpp links the system's libffi
    const fixtures = resolve(import.meta.dirname, '__fixtures__/addon-runpath');
    const vips = readFileSync(`${fixtures}/libvips-cpp.so.42`);
    const libffi = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libffi.so.8'));
    // what LD_LIBRARY_PATH holds under the same name: libreadline's bytes, which link libtinfo
    const other = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libreadline.so.8'));
    const libtinfo = readFileSync(realpathSync('/usr/lib/x86_64-linux-gnu/libtinfo.so.6'));
    const sharp = async (addon: string, env: string[]): Promise<string[]> => {
      const e = await estimate(
        image(
          { Env: env, Cmd: ['node', '/app/server.js'] },
          [
            { path: 'usr/local/bin/node', size: 90_000, mode: 0o755 },
            ...multiarchLibrary('libffi.so.8.1.2', libffi),
            ...multiarchLibrary('libtinfo.so.6.4', libtinfo),
            { path: 'opt/vips/lib/libvips-cpp.so.42', content: other },
          ],
          [
            { path: 'app/server.js', size: 100 },
            { path: 'app/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node', content: readFileSync(`${fixtures}/${addon}`) },
            { path: 'app/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42', content: vips },
          ],
        ),
      );
      expect(e.runtime?.id).toBe('node');
      return [...(e.runtime?.libraries ?? [])].sort();
    };
    expect(await sharp('sharp-linux-x64.node', [])).toEqual(['/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2']);
    // LD_LIBRARY_PATH comes before a DT_RUNPATH…
    expect(await sharp('sharp-linux-x64.node', ['LD_LIBRARY_PATH=/opt/vips/lib'])).toEqual(['/opt/vips/lib/libvips-cpp.so.42', '/usr/lib/x86_64-linux-gnu/libtinfo.so.6.4']);
    // …and after a DT_RPATH (`${ORIGIN}` as `$ORIGIN`)
    expect(await sharp('sharp-linux-x64-rpath.node', ['LD_LIBRARY_PATH=/opt/vips/lib'])).toEqual(['/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2']);
  });

  it('looks past a script the command starts to the program its last exec runs', async () => {
    // a base holding node, python and java: node, first on PATH, is what a script of unknown content would run with
    const runtimes: FileSpec[] = [
      { path: 'usr/local/bin/node', size: 90_000, mode: 0o755 },
      { path: 'usr/bin/python3.11', size: 60_000, mode: 0o755 },
      { path: 'usr/bin/python3', type: 'symlink', target: 'python3.11' },
      { path: 'usr/bin/python', type: 'symlink', target: 'python3.11' },
      { path: 'usr/lib/python3.11/os.py', size: 40_000 },
      { path: 'usr/lib/jvm/java-17-openjdk-amd64/bin/java', size: 12_000, mode: 0o755 },
      { path: 'usr/bin/java', type: 'symlink', target: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' },
    ];
    const script = (text: string): Buffer => Buffer.from(`#!/bin/sh\nset -e\nif [ -n "$DEBUG" ]; then\n  exec node --inspect server.js\nfi\n${text}\n`);
    const started = async (config: ImageSpec['config'], own: FileSpec[]): Promise<Awaited<ReturnType<typeof estimate>>> => estimate(image(config, runtimes, own));
    const python = await started({ Cmd: ['/app/start.sh'] }, [{ path: 'app/start.sh', content: script('exec python -m app'), mode: 0o755 }]);
    expect(python.runtime).toMatchObject({ id: 'python', program: '/usr/bin/python3.11' });
    const java = await started({ Cmd: ['/app/start.sh'] }, [{ path: 'app/start.sh', content: script('exec java -Xmx512m -jar "/app/app.jar" # the service'), mode: 0o755 }]);
    expect(java.runtime).toMatchObject({ id: 'java', program: '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' });
    // a program the scan could not know the script names: read again from its layer
    const go = await started({ Entrypoint: ['tini', '--', '/app/start.sh'] }, [
      { path: 'app/start.sh', content: script('exec /app/server --port 8080'), mode: 0o755 },
      { path: 'app/server', content: goHello, mode: 0o755 },
    ]);
    expect(go.runtime).toEqual({ id: 'go', program: '/app/server', base: 'distroless/static', baseBytes: 2 * MiB, carriedBytes: 0 });

    // the official images' entrypoint execs its arguments (the CMD): a script in turn, which execs python
    const entrypoint = Buffer.from('#!/bin/sh\nset -e\nif [ "${1#-}" != "${1}" ]; then\n  set -- node "$@"\nfi\nexec "$@"\n');
    const cmd = await started({ Entrypoint: ['docker-entrypoint.sh'], Cmd: ['/app/start.sh', '--workers', '2'] }, [
      { path: 'usr/local/bin/docker-entrypoint.sh', content: entrypoint, mode: 0o755 },
      { path: 'app/start.sh', content: script('exec python3 -m app "$@"'), mode: 0o755 },
    ]);
    expect(cmd.runtime).toMatchObject({ id: 'python', program: '/usr/bin/python3.11' });
    // …or scripts the scan did not read (a link of another name, then what that execs), each read from its layer in turn
    const chained = await started({ Entrypoint: ['docker-entrypoint.sh'], Cmd: ['/app/start', '--workers', '2'] }, [
      { path: 'usr/local/bin/docker-entrypoint.sh', content: entrypoint, mode: 0o755 },
      { path: 'app/start', type: 'symlink', target: 'bin/launch' },
      { path: 'app/bin/launch', content: script('exec /app/bin/run "$@"'), mode: 0o755 },
      { path: 'app/bin/run', content: Buffer.from('#!/bin/sh\nexec python3 -m app "$@"\n'), mode: 0o755 },
    ]);
    expect(chained.runtime).toMatchObject({ id: 'python', program: '/usr/bin/python3.11' });

    // a script that execs itself: 3 scripts looked past, then the interpreter on PATH as before
    const loop = await started({ Cmd: ['/app/loop.sh'] }, [{ path: 'app/loop.sh', content: script('exec /app/loop.sh'), mode: 0o755 }]);
    expect(loop.runtime?.id).toBe('node');
  });

  it('reads only a simple exec line of a shebang script', () => {
    const exec = (text: string): string[] | undefined => scriptExec(Buffer.from(text));
    expect(exec('#!/bin/sh\nexec node server.js\n')).toEqual(['node', 'server.js']);
    expect(exec('#!/bin/bash\n  exec "$@"')).toEqual(['$@']);
    expect(exec("#!/bin/sh\nexec gosu app 'python3' -m app $ARGS\n")).toEqual(['gosu', 'app', 'python3', '-m', 'app', '$ARGS']);
    // the last exec line counts
    expect(exec('#!/bin/sh\nexec node a.js\necho done\nexec java -jar b.jar\n')).toEqual(['java', '-jar', 'b.jar']);
    // not simple: an operator, a redirection, a substitution, a variable as the program, quoted spaces
    for (const line of ['exec node a.js > /tmp/log', 'exec node a.js || exit 1', 'exec $(which node) a.js', 'exec "$NODE" a.js', 'exec node "a b.js"', 'exec ${CMD}']) {
      expect([line, exec(`#!/bin/sh\n${line}\n`)]).toEqual([line, []]);
    }
    expect(exec('#!/bin/sh\nnode server.js\n')).toEqual([]);
    // no shebang: not a script
    expect(exec('exec node server.js\n')).toBeUndefined();
    // only the first 64 KiB are read
    expect(exec(`#!/bin/sh\n${'#'.repeat(70_000)}\nexec node server.js\n`)).toEqual([]);
  });

  it('gives no base-swap figure for a runtime it does not recognise, and says so', async () => {
    const spec = image({ Cmd: ['/app/run.sh'] }, [], [{ path: 'app/run.sh', content: '#!/bin/sh\nexec ruby app.rb\n', mode: 0o755 }]);
    const { report } = await analyzeImage(await buildImage(spec));
    const e = report.estimate;
    expect(e.runtime).toBeUndefined();
    expect(e.low).toBe(e.high);
    expect(e.lowNote).toBe('runtime not recognised, no base swap estimated');
    expect(e.reasoning.join('\n')).toContain('no base swap is estimated: the command /app/run.sh execs ruby, which is no runtime shipshape knows');
    expect(formatText(report)).toContain(`Estimate    30.0 MB after cleanup (runtime not recognised, no base swap estimated)`);
  });

  it('reads the ELF headers of the program the command starts, never of an interpreter it names', () => {
    // node's binary is ~90 MB: buffering it to learn what the name already says cost 140 MB of peak memory
    const wants = wantsElf({ Entrypoint: ['tini', '--'], Cmd: ['node', '/app/hello'] });
    expect(wants('/usr/local/bin/node', 0o755)).toBe(false);
    expect(wants('/usr/bin/tini', 0o755)).toBe(false);
    expect(wants('/app/hello', 0o755)).toBe(true);
    expect(wants('/app/hello', 0o644)).toBe(false);
    expect(wantsElf({ Cmd: ['python3.12', 'main.py'] })('/usr/local/bin/python3.12', 0o755)).toBe(false);
    // shared objects: read for what they link; when node runs, only its addons
    expect(wantsLibraries({ Cmd: ['python3', 'main.py'] })('/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2', 43_480, 0o644)).toBe(true);
    expect(wantsLibraries({ Cmd: ['python3', 'main.py'] })('/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1', 120_000_000, 0o644)).toBe(false);
    // when python runs: what it loads by name, and the folders where the loader finds a library by its soname
    const python = wantsLibraries({ Entrypoint: ['sh', '-c', 'exec python3.11 -m app'], Env: ['LD_LIBRARY_PATH=/opt/oracle/lib/'] });
    for (const path of [
      '/usr/local/bin/python3.11',
      '/usr/local/lib/libpython3.11.so.1.0',
      '/usr/local/lib/python3.11/lib-dynload/_ctypes.cpython-311-x86_64-linux-gnu.so',
      '/app/.venv/lib/python3.11/site-packages/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so',
      '/usr/lib/python3/dist-packages/numpy.libs/libopenblas64_p-r0-15028c96.3.21.so',
      '/usr/lib/python3/dist-packages/numpy.libs/libgfortran-040039e1.so.5.0.0',
      '/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2',
      '/lib/x86_64-linux-gnu/libz.so.1.2.13',
      '/opt/oracle/lib/libclntsh.so.21.1',
    ]) {
      expect([path, python(path, 43_480, 0o755)]).toEqual([path, true]);
    }
    // nothing links gconv's, PAM's or OpenSSL's plugins: ld.so searches no subfolder
    // …nor what distroless holds, where the closure stops
    for (const path of ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30', '/usr/lib/x86_64-linux-gnu/libcrypto.so.3']) {
      expect([path, python(path, 43_480, 0o644)]).toEqual([path, false]);
    }
    for (const path of ['/usr/lib/x86_64-linux-gnu/gconv/IBM1047.so', '/usr/lib/x86_64-linux-gnu/security/pam_unix.so', '/usr/lib/x86_64-linux-gnu/engines-3/afalg.so', '/opt/tool/lib/libtool.so.1']) {
      expect([path, python(path, 43_480, 0o644)]).toEqual([path, false]);
    }
    // a command that names no runtime, or reaches python through a link of another name: every shared object
    expect(wantsLibraries({ Cmd: ['/usr/local/bin/app'] })('/usr/lib/x86_64-linux-gnu/gconv/IBM1047.so', 18_680, 0o644)).toBe(true);
    expect(wantsLibraries(undefined)('/usr/lib/x86_64-linux-gnu/gconv/IBM1047.so', 18_680, 0o644)).toBe(true);
    expect(wantsLibraries({ Entrypoint: ['tini', '--'], Cmd: ['node', '/app/a.js'] })('/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2', 43_480, 0o644)).toBe(false);
    // …but its native addons, up to the same size
    expect(wantsLibraries({ Cmd: ['node', '/app/a.js'] })('/app/node_modules/sharp/build/Release/sharp-linux-x64.node', 500_000, 0o755)).toBe(true);
    expect(wantsLibraries({ Cmd: ['node', '/app/a.js'] })('/app/node_modules/huge/huge.node', 100_000_000, 0o755)).toBe(false);
    // …and the libraries addons bundle under node_modules
    expect(wantsLibraries({ Cmd: ['node', '/app/a.js'] })('/app/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42', 15_000_000, 0o644)).toBe(true);
  });

  it('recognises an interpreter the command starts through a symlink of another name', async () => {
    // /usr/local/bin/app → /usr/bin/python3.11 (absolute), no python3 along PATH to fall back on
    const python = await estimate(
      image(
        { Entrypoint: ['/usr/local/bin/app'] },
        [
          { path: 'usr/bin/python3.11', size: 60_000, mode: 0o755 },
          { path: 'usr/lib/python3.11/os.py', size: 40_000 },
        ],
        [{ path: 'usr/local/bin/app', type: 'symlink', target: '/usr/bin/python3.11' }],
      ),
    );
    expect(python.runtime).toMatchObject({ id: 'python', program: '/usr/bin/python3.11', carriedBytes: 100_000 });

    // app → ../../bin/run (relative, through /bin → usr/bin of a merged-/usr image) → nodejs, which no PATH folder holds
    const node = await estimate(
      image(
        { Env: ['PATH=/opt/app'], Cmd: ['app', 'server.js'] },
        [
          { path: 'bin', type: 'symlink', target: 'usr/bin' },
          { path: 'opt/nodejs/bin/nodejs', content: Buffer.alloc(3_000_000, 7), mode: 0o755 },
          { path: 'usr/bin/run', type: 'symlink', target: '/opt/nodejs/bin/nodejs' },
        ],
        [{ path: 'opt/app/app', type: 'symlink', target: '../../bin/run' }],
      ),
    );
    expect(node.runtime).toMatchObject({ id: 'node', program: '/opt/nodejs/bin/nodejs', carriedBytes: 3_000_000 });

    // a loop of links ends the walk: nothing recognised, and the estimate still comes
    const loop = await estimate(
      image(
        { Cmd: ['/usr/local/bin/a'] },
        [],
        [
          { path: 'usr/local/bin/a', type: 'symlink', target: 'b' },
          { path: 'usr/local/bin/b', type: 'symlink', target: '/usr/local/bin/a' },
        ],
      ),
    );
    expect(loop.runtime).toBeUndefined();
    expect(loop.lowNote).toBe('runtime not recognised, no base swap estimated');
  });

  it('names a command interpreter the image does not hold', async () => {
    const e = await estimate(image({ Cmd: ['node', '/app/a.js'] }, [], [{ path: 'app/a.js', size: 10 }]));
    expect(e.runtime).toBeUndefined();
    expect(e.reasoning.join('\n')).toContain('the command runs node, which the image does not hold along its PATH');
  });
});
