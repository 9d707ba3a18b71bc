import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage } from '../../../testing/images.js';
import { catalogDirectory, catalogImage } from '../../catalog.js';
import type { Sbom } from '../../model.js';
import { evaluateMarker, linuxCPython, parseRequirement, parseRequiresTxt } from './requirements.js';

const distPackages = resolve(import.meta.dirname, '__fixtures__/dist-packages');

/** The fixture's metadata files (see __fixtures__/README.md) under `prefix` in an image. */
function copied(prefix: string, only?: readonly string[]): { path: string; content: Buffer }[] {
  return readdirSync(distPackages)
    .filter((d) => only === undefined || only.includes(d))
    .flatMap((d) => readdirSync(join(distPackages, d)).map((f) => ({ path: `${prefix}/${d}/${f}`, content: readFileSync(join(distPackages, d, f)) })));
}

/** `from -> to` by package name and location folder (`site:name`), sorted. */
function edges(sbom: Sbom, label: (location: string) => string = () => ''): string[] {
  const name = new Map(sbom.packages.map((p) => [p.id, `${label(p.locations[0] ?? '')}${p.name}`]));
  return sbom.relationships.filter((r) => r.type === 'depends-on').map((r) => `${name.get(r.from) ?? r.from} -> ${name.get(r.to) ?? r.to}`).sort();
}

const known = (sbom: Sbom): string[] => sbom.packages.filter((p) => p.dependenciesKnown === true).map((p) => p.name).sort();

describe('python-package-cataloger dependencies', () => {
  it('links Requires-Dist and requires.txt to the distributions of the same site-packages, under the image’s Python', async () => {
    // Debian's version-less /usr/lib/python3/dist-packages: the one standard library, python3.11, tells the version
    const image = await buildImage({ layers: [[{ path: 'usr/lib/python3.11/os.py', content: '' }, ...copied('usr/lib/python3/dist-packages')]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['python'] });
    expect(sbom.unknowns).toEqual([]);
    // httplib2's pyparsing for python_version < "3.0" is dropped, the one for > "3.0" kept: one edge
    expect(edges(sbom)).toEqual(['httplib2 -> pyparsing']);
    // every requirement read and found, or only under extras or a false marker; PyGObject needs pycairo, absent here
    expect(known(sbom)).toEqual(['Pygments', 'cryptography', 'httplib2', 'lazr.restfulclient', 'pyparsing']);
  });

  it('keeps a requirement whose marker cannot be decided: without an interpreter version python_version is unknown', async () => {
    const sbom = await catalogDirectory(distPackages, { catalogers: ['python'] });
    // lazr.restfulclient's [:python_version < "3"] httplib2 now counts
    expect(edges(sbom)).toEqual(['httplib2 -> pyparsing', 'lazr.restfulclient -> httplib2']);
    expect(known(sbom)).toEqual(['Pygments', 'cryptography', 'httplib2', 'lazr.restfulclient', 'pyparsing']);
  });

  it('resolves within one environment: a venv’s httplib2 is not met by the system’s pyparsing', async () => {
    const venv = 'opt/venv/lib/python3.11/site-packages';
    const image = await buildImage({ layers: [[...copied('usr/lib/python3/dist-packages'), ...copied(venv, ['httplib2-0.20.4.dist-info'])]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['python'] });
    const site = (l: string): string => (l.startsWith('/opt/venv/') ? 'venv:' : 'system:');
    expect(edges(sbom, site)).toEqual(['system:httplib2 -> system:pyparsing', 'system:lazr.restfulclient -> system:httplib2']);
    const venvHttplib2 = sbom.packages.find((p) => p.locations[0]?.startsWith('/opt/venv/'));
    expect(venvHttplib2?.name).toBe('httplib2');
    expect(venvHttplib2?.dependenciesKnown).toBeUndefined();
  });

  it('matches names as PEP 503 normalises them and drops what only an extra, another platform or another Python asks for', async () => {
    const metadata = (name: string, version: string, requires: string[] = []): string =>
      ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...requires.map((r) => `Requires-Dist: ${r}`), '', 'body'].join('\n');
    const site = (py: string): { path: string; content: string }[] => {
      const dir = `usr/local/lib/${py}/site-packages`;
      return [
        {
          path: `${dir}/requests-2.31.0.dist-info/METADATA`,
          content: metadata('requests', '2.31.0', [
            'charset_normalizer (<4,>=2)',
            'IDNA (<4,>=2.5)',
            'urllib3 (<3,>=1.21.1)',
            'certifi (>=2017.4.17)',
            "PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'",
            'colorama ; sys_platform == "win32"',
            'typing-extensions ; python_version < "3.8"',
            'importlib-metadata ; platform_machine == "x86_64"',
          ]),
        },
        { path: `${dir}/charset_normalizer-3.3.2.dist-info/METADATA`, content: metadata('charset-normalizer', '3.3.2') },
        { path: `${dir}/idna-3.6.dist-info/METADATA`, content: metadata('idna', '3.6') },
        { path: `${dir}/urllib3-2.1.0.dist-info/METADATA`, content: metadata('urllib3', '2.1.0') },
        { path: `${dir}/certifi-2023.11.17.dist-info/METADATA`, content: metadata('certifi', '2023.11.17') },
        { path: `${dir}/PySocks-1.7.1.dist-info/METADATA`, content: metadata('PySocks', '1.7.1') },
        { path: `${dir}/colorama-0.4.6.dist-info/METADATA`, content: metadata('colorama', '0.4.6') },
        { path: `${dir}/typing_extensions-4.9.0.dist-info/METADATA`, content: metadata('typing_extensions', '4.9.0') },
        { path: `${dir}/importlib_metadata-7.0.0.dist-info/METADATA`, content: metadata('importlib-metadata', '7.0.0') },
      ];
    };
    const base = ['requests -> certifi', 'requests -> charset-normalizer', 'requests -> idna', 'requests -> importlib-metadata', 'requests -> urllib3'];
    const py312 = await catalogImage(await buildImage({ layers: [site('python3.12')] }), 'x', { catalogers: ['python'] });
    expect(edges(py312)).toEqual(base);
    expect(py312.packages.every((p) => p.dependenciesKnown === true)).toBe(true);
    const py37 = await catalogImage(await buildImage({ layers: [site('python3.7')] }), 'x', { catalogers: ['python'] });
    expect(edges(py37)).toEqual([...base, 'requests -> typing_extensions'].sort());
  });
});

/** A dist-info METADATA file's header (and a body after the blank line, as wheels write it). */
function metadata(name: string, version: string, requires: readonly string[] = []): string {
  return ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...requires.map((r) => `Requires-Dist: ${r}`), '', 'body'].join('\n');
}

/** A wheel-installed distribution in a site folder of an image. */
function installed(site: string, name: string, version: string, requires: readonly string[] = []): { path: string; content: string } {
  return { path: `${site}/${name}-${version}.dist-info/METADATA`, content: metadata(name, version, requires) };
}

/** An interpreter as an image holds it: the executable and its standard library's landmark, `P/lib/pythonX.Y/os.py`. */
function interpreter(prefix: string, version: string): { path: string; content: string; mode?: number }[] {
  return [
    { path: `${prefix}/bin/python${version}`, content: '\x7fELF', mode: 0o755 },
    { path: `${prefix}/lib/python${version}/os.py`, content: '' },
  ];
}

describe('python-package-cataloger environments: the site folders one interpreter searches', () => {
  const system = 'usr/lib/python3/dist-packages';
  /** `folder:name -> folder:name`, by the site folder each distribution sits in. */
  const folderEdges = (sbom: Sbom): string[] => edges(sbom, (l) => `${l.split('/').slice(1, -2).join('/')}:`);

  it('Debian’s python3.11: /usr/local/lib/python3.11/dist-packages, then /usr/lib/python3/dist-packages, the first of a name wins', async () => {
    const local = 'usr/local/lib/python3.11/dist-packages';
    const image = await buildImage({
      layers: [
        [...interpreter('usr', '3.11'), ...copied(system, ['httplib2-0.20.4.dist-info', 'pyparsing-3.0.9.dist-info'])],
        // `pip install` as root on Debian: into /usr/local, one requirement met there, one by Debian's package
        [installed(local, 'app', '1.0', ['httplib2>=0.20', 'pyparsing']), installed(local, 'pyparsing', '3.1.1')],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['python'] });
    expect(sbom.unknowns).toEqual([]);
    // Debian's httplib2 imports the local pyparsing too: /usr/local comes first on sys.path
    expect(folderEdges(sbom)).toEqual([`${local}:app -> ${local}:pyparsing`, `${local}:app -> ${system}:httplib2`, `${system}:httplib2 -> ${local}:pyparsing`].sort());
    expect(known(sbom)).toEqual(['app', 'httplib2', 'pyparsing', 'pyparsing']);
  });

  it('the official image’s /usr/local/bin/python3.11 searches its own site-packages, not Debian’s folders beside it', async () => {
    const site = 'usr/local/lib/python3.11/site-packages';
    const image = await buildImage({
      layers: [
        [...interpreter('usr', '3.11'), ...copied(system, ['httplib2-0.20.4.dist-info', 'pyparsing-3.0.9.dist-info'])],
        [...interpreter('usr/local', '3.11'), installed(site, 'app', '1.0', ['httplib2', 'certifi']), installed(site, 'certifi', '2023.11.17')],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['python'] });
    expect(folderEdges(sbom)).toEqual([`${site}:app -> ${site}:certifi`, `${system}:httplib2 -> ${system}:pyparsing`].sort());
    // httplib2 is not on that interpreter’s path
    expect(known(sbom)).toEqual(['certifi', 'httplib2', 'pyparsing']);
  });

  it('Debian’s version-less folder belongs to each python3.X the image holds: a requirement counts under each one’s version', async () => {
    const image = await buildImage({
      layers: [
        [
          ...interpreter('usr', '3.11'),
          ...interpreter('usr', '3.12'),
          installed(system, 'build', '1.0', ['tomli ; python_version < "3.11"', 'packaging']),
          installed(system, 'mypy', '1.8.0', ['tomli ; python_version < "3.12"']),
          installed(system, 'packaging', '23.2'),
        ],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['python'] });
    expect(edges(sbom)).toEqual(['build -> packaging']);
    // python3.11 needs mypy's tomli, which is absent
    expect(known(sbom)).toEqual(['build', 'packaging']);
  });

  it('a venv searches its own site-packages, then its base interpreter’s folders only with include-system-site-packages', async () => {
    const shared = 'opt/shared/lib/python3.11/site-packages';
    const isolated = 'opt/isolated/lib/python3.11/site-packages';
    const cfg = (include: boolean): string => `home = /usr/bin\ninclude-system-site-packages = ${String(include)}\nversion = 3.11.2\nexecutable = /usr/bin/python3.11\n`;
    const image = await buildImage({
      layers: [
        [...interpreter('usr', '3.11'), ...copied(system, ['httplib2-0.20.4.dist-info', 'pyparsing-3.0.9.dist-info'])],
        [
          { path: 'opt/shared/pyvenv.cfg', content: cfg(true) },
          installed(shared, 'app', '1.0', ['httplib2', 'pyparsing', 'typing-extensions ; python_version < "3.8"']),
          installed(shared, 'pyparsing', '3.1.1'),
          installed(shared, 'typing_extensions', '4.9.0'),
          { path: 'opt/isolated/pyvenv.cfg', content: cfg(false) },
          installed(isolated, 'tool', '1.0', ['httplib2']),
        ],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['python'] });
    expect(folderEdges(sbom)).toEqual(
      [
        `${shared}:app -> ${shared}:pyparsing`,
        `${shared}:app -> ${system}:httplib2`,
        // the system interpreter does not see the venv: its httplib2 keeps Debian's pyparsing
        `${system}:httplib2 -> ${system}:pyparsing`,
      ].sort(),
    );
    // the isolated venv's tool needs an httplib2 it cannot import
    expect(known(sbom)).toEqual(['app', 'httplib2', 'pyparsing', 'pyparsing', 'typing_extensions']);
  });
});

describe('PEP 508 requirements and markers', () => {
  it('reads a requirement’s name and marker', () => {
    expect(parseRequirement('pyparsing (<3,>=2.4.2) ; python_version < "3.0"')).toEqual({ name: 'pyparsing', marker: 'python_version < "3.0"' });
    expect(parseRequirement('requests[socks,use_chardet_on_py3]>=2.0;extra=="x"')).toEqual({ name: 'requests', marker: 'extra=="x"' });
    expect(parseRequirement('sphinx_rtd_theme; extra == "doc"')).toEqual({ name: 'sphinx_rtd_theme', marker: 'extra == "doc"' });
    expect(parseRequirement('zope.interface')).toEqual({ name: 'zope.interface' });
    expect(parseRequirement('pip @ https://example.invalid/a;b/pip.whl ; os_name == "nt"')).toEqual({ name: 'pip', marker: 'os_name == "nt"' });
    expect(parseRequirement('pip @ https://example.invalid/a;b/pip.whl')).toEqual({ name: 'pip' });
    expect(parseRequirement('  ')).toBeUndefined();
  });

  it('reads requires.txt: sections of extras left out, a [:marker] section under its marker', () => {
    expect(parseRequiresTxt('a>=1\n\n[:python_version < "3"]\nb\n\n[test]\nc\n\n[test:python_version < "3"]\nd\n\n[:sys_platform == "linux"]\ne ; os_name == "posix"\n')).toEqual([
      { name: 'a' },
      { name: 'b', marker: 'python_version < "3"' },
      { name: 'e', marker: '(sys_platform == "linux") and (os_name == "posix")' },
    ]);
  });

  it('evaluates the markers an image tells, three-valued', () => {
    const env = linuxCPython('3.11');
    const table: [string, boolean | undefined][] = [
      ['python_version < "3.8"', false],
      ['python_version >= "3.8"', true],
      ['python_version > "3.0"', true],
      ['python_version == "3.*"', true],
      ['python_version != "3.11"', false],
      ['python_version ~= "3.9"', true],
      ['"3.12" <= python_version', false],
      ['sys_platform == "linux"', true],
      ["sys_platform == 'win32'", false],
      ['"linux" in sys_platform', true],
      ['sys_platform not in "win32 cygwin"', true],
      ['platform_system == "Windows"', false],
      ['os_name == "nt"', false],
      ['implementation_name == "cpython"', true],
      ['platform_python_implementation != "PyPy"', true],
      ['extra == "socks"', false],
      ['extra != "socks"', true],
      ['platform_machine == "x86_64"', undefined],
      ['python_full_version >= "3.7.1"', undefined],
      ['sys_platform == "win32" or platform_machine == "x86_64"', undefined],
      ['sys_platform == "win32" and platform_machine == "x86_64"', false],
      ['sys_platform == "linux" or platform_machine == "x86_64"', true],
      ['(python_version < "3.8" or sys_platform == "linux") and extra == "x"', false],
      ['python_version < "3.8" or sys_platform == "linux" and os_name == "posix"', true],
      ['python_version <', undefined],
    ];
    expect(table.map(([m]) => [m, evaluateMarker(m, env)])).toEqual(table);
    expect(evaluateMarker('python_version < "3.8"', linuxCPython(undefined))).toBeUndefined();
    expect(evaluateMarker('python_version < "3.8" and os_name == "nt"', linuxCPython(undefined))).toBe(false);
  });
});
