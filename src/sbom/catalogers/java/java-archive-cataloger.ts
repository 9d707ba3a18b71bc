/**
 * Java archives (jar, war, ear and the Jenkins/JBoss variants): each `META-INF/maven/<group>/<artifact>/pom.properties`
 * is one Maven package; an archive without one is named by its manifest (`Implementation-Title`/`Bundle-SymbolicName`
 * and their versions). Archives nested inside (`WEB-INF/lib/*.jar`, Spring Boot's `BOOT-INF/lib/`) are read too.
 *
 * Archives are summarised while the scan reads them (only manifests and pom.properties are kept), so a 200 MB war
 * costs memory only while it streams past.
 */
import { PackageURL } from 'packageurl-js';
import yauzl from 'yauzl';
import type { FileResolver } from '../../../fs/index.js';
import { type Cataloger, type CatalogResult, type FileReducer, packageId, ResultBuilder } from '../../cataloger.js';

const name = 'java-archive-cataloger';
const archiveName = /\.(jar|war|ear|par|sar|jpi|hpi|kar|nar)$/i;
const pomProperties = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const pomXml = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.xml$/;
/** POMs of a local Maven repository in the scanned filesystem: Debian's `/usr/share/maven-repo` and any `~/.m2/repository`. */
const repoPom = /^(\/usr\/share\/maven-repo|\/(?:.*\/)?\.m2\/repository)\/.+\.pom$/;
const maxParents = 10;
/** The characters Maven allows in a groupId or artifactId. */
const mavenId = /^[A-Za-z0-9_.-]+$/;
const maxNesting = 4;
const maxMetadataBytes = 1024 * 1024;
const maxNestedBytes = 256 * 1024 * 1024;

/** What one archive (outer or nested) holds of interest. */
export interface ArchiveSummary {
  /** `/app/x.war` or `/app/x.war!/WEB-INF/lib/y.jar`. */
  path: string;
  manifest?: string;
  pomProperties: { path: string; text: string }[];
  /** `META-INF/maven/<group>/<artifact>/pom.xml`: licenses, and the parent whose licenses apply when it declares none. */
  pomXml?: { path: string; text: string }[];
  /** A nested archive that could not be read. */
  error?: string;
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (entry.uncompressedSize > limit) {
      reject(new Error(`${entry.fileName} is ${entry.uncompressedSize} bytes, more than the ${limit} read`));
      return;
    }
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { resolve(Buffer.concat(chunks)); });
      stream.on('error', reject);
    });
  });
}

/** Reads an archive's manifest and pom.properties, recursing into nested archives; errors in nested ones are kept. */
export async function summarizeArchive(body: Buffer, path: string, depth = 0): Promise<ArchiveSummary[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(body, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, z) => {
      if (error) reject(error);
      else resolve(z);
    });
  });
  const own: ArchiveSummary = { path, pomProperties: [] };
  const nested: ArchiveSummary[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => { resolve(); });
      zip.on('entry', (entry: yauzl.Entry) => {
        const file = entry.fileName;
        const work = async (): Promise<void> => {
          if (file === 'META-INF/MANIFEST.MF') own.manifest = (await readEntry(zip, entry, maxMetadataBytes)).toString('utf8');
          else if (pomProperties.test(file)) own.pomProperties.push({ path: file, text: (await readEntry(zip, entry, maxMetadataBytes)).toString('utf8') });
          else if (pomXml.test(file)) (own.pomXml ??= []).push({ path: file, text: (await readEntry(zip, entry, maxMetadataBytes)).toString('utf8') });
          else if (archiveName.test(file) && !file.endsWith('/') && depth < maxNesting) {
            const inner = `${path}!/${file}`;
            try {
              nested.push(...(await summarizeArchive(await readEntry(zip, entry, maxNestedBytes), inner, depth + 1)));
            } catch (error) {
              nested.push({ path: inner, pomProperties: [], error: error instanceof Error ? error.message : String(error) });
            }
          }
        };
        work().then(() => { zip.readEntry(); }, reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  own.pomProperties.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [own, ...nested];
}

const archiveReducer: FileReducer = {
  wants: (path) => archiveName.test(path),
  async reduce(body, path) {
    try {
      return Buffer.from(JSON.stringify(await summarizeArchive(body, path)));
    } catch (error) {
      return Buffer.from(JSON.stringify([{ path, pomProperties: [], error: `not a readable archive: ${error instanceof Error ? error.message : String(error)}` }] satisfies ArchiveSummary[]));
    }
  },
};

/** `key=value` lines of a Java properties file (comments and blank lines skipped; no escapes in Maven's output). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m?.[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** Main attributes of a manifest (JAR File Specification: 72-byte lines continued by a leading space). */
export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the main section ends at the first blank line
    if (line.startsWith(' ') && last) {
      out[last] = `${out[last] ?? ''}${line.slice(1)}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out[last] = line.slice(colon + 1).trim();
  }
  return out;
}

/** Text of an element's children, comments dropped (a POM is plain XML without entities in these fields). */
function element(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1]?.trim();
}

/** What a POM says about licenses (the `<name>` of each `<license>`) and its `<parent>`. */
export function readPom(xml: string): { licenses: string[]; parent?: { groupId: string; artifactId: string; version: string } } {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const block = element(text, 'licenses') ?? '';
  const licenses = [...block.matchAll(/<license>([\s\S]*?)<\/license>/g)].map((m) => element(m[1] ?? '', 'name') ?? '').filter((n) => n !== '');
  const parentBlock = element(text, 'parent');
  const groupId = parentBlock ? element(parentBlock, 'groupId') : undefined;
  const artifactId = parentBlock ? element(parentBlock, 'artifactId') : undefined;
  const version = parentBlock ? element(parentBlock, 'version') : undefined;
  return { licenses, ...(groupId && artifactId && version ? { parent: { groupId, artifactId, version } } : {}) };
}

/** Common POM license names as SPDX ids; other names are kept as declared (LicenseRefs in the formats). */
const spdxByName: Record<string, string> = {
  'apache license, version 2.0': 'Apache-2.0',
  'the apache license, version 2.0': 'Apache-2.0',
  'the apache software license, version 2.0': 'Apache-2.0',
  'apache 2.0': 'Apache-2.0',
  'apache-2.0': 'Apache-2.0',
  'mit license': 'MIT',
  'the mit license': 'MIT',
  mit: 'MIT',
  'eclipse public license - v 2.0': 'EPL-2.0',
  'eclipse public license - v 1.0': 'EPL-1.0',
  'bsd-3-clause': 'BSD-3-Clause',
};

export function pomLicense(name: string): string {
  return spdxByName[name.trim().toLowerCase()] ?? name.trim();
}

/**
 * Licenses of a POM, inherited from its parents when it declares none (Maven's inheritance), the parents read from a
 * local Maven repository inside the scanned filesystem — Debian's `/usr/share/maven-repo` (whose `debian` versions
 * are what Debian's jars name) and `~/.m2/repository` — never from the network.
 */
function inheritedLicenses(files: FileResolver, repos: string[], xml: string): { licenses: string[]; from?: string } {
  let pom = readPom(xml);
  for (let depth = 0; depth < maxParents; depth++) {
    if (pom.licenses.length > 0) return { licenses: pom.licenses.map(pomLicense), ...(depth > 0 ? { from: 'parent' } : {}) };
    const parent = pom.parent;
    if (!parent) break;
    const relative = `${parent.groupId.replace(/\./g, '/')}/${parent.artifactId}/${parent.version}/${parent.artifactId}-${parent.version}.pom`;
    let next: string | undefined;
    for (const repo of repos) {
      const target = files.resolve(`${repo}/${relative}`);
      next = target ? files.body(target.path)?.toString('utf8') : undefined;
      if (next !== undefined) break;
    }
    if (next === undefined) break;
    pom = readPom(next);
  }
  return { licenses: [] };
}

/** Roots of the local Maven repositories present in the filesystem. */
function mavenRepos(files: FileResolver): string[] {
  const roots = new Set<string>();
  if (files.get('/usr/share/maven-repo')) roots.add('/usr/share/maven-repo');
  for (const home of ['/root', ...files.children('/home').map((e) => e.path)]) {
    if (files.get(`${home}/.m2/repository`)) roots.add(`${home}/.m2/repository`);
  }
  return [...roots];
}

/**
 * The version of an archive without Maven metadata. A manifest version is free text: Debian's bsh.jar says
 * `Implementation-Version: 2.0b4 2019-09-09 12:30:36`, a version followed by a build stamp, which would go into the
 * purl whole (`bsh@2.0b4%202019-09-09%2012:30:36`) and match no advisory. A one-word manifest version is taken as it
 * is; one with spaces gives way to the file name's version (syft prefers the file name's version always), else to its
 * first word when that starts with a digit, else to none.
 */
export function manifestVersion(fromManifest: string | undefined, fromFileName: string | undefined): string | undefined {
  const text = fromManifest?.trim();
  if (text && !/\s/.test(text)) return text;
  if (fromFileName) return fromFileName;
  const first = text?.split(/\s+/)[0];
  return first && /^\d/.test(first) ? first : undefined;
}

export const javaArchiveCataloger: Cataloger = {
  name,
  wants: (path) => repoPom.test(path),
  reducer: archiveReducer,
  catalog(files): CatalogResult {
    const out = new ResultBuilder(name);
    const repos = mavenRepos(files);
    for (const entry of files.entries()) {
      if (entry.type !== 'file' || !archiveName.test(entry.path)) continue;
      const body = files.body(entry.path);
      if (!body) continue;
      let summaries: ArchiveSummary[] = [];
      out.guard(entry.path, () => {
        summaries = JSON.parse(body.toString('utf8')) as ArchiveSummary[];
      });
      const layer = entry.layer >= 0 ? entry.layer : undefined;
      for (const archive of summaries) {
        out.guard(archive.path, () => {
          if (archive.error) {
            out.unknown(archive.path, archive.error);
            return;
          }
          const manifest = archive.manifest ? parseManifest(archive.manifest) : {};
          const add = (group: string | undefined, artifact: string, version: string, evidence: string): void => {
            const license = manifest['Bundle-License'];
            const xml = archive.pomXml?.find((p) => p.path === evidence.replace(/pom\.properties$/, 'pom.xml'))?.text;
            const fromPom = xml === undefined ? { licenses: [] } : inheritedLicenses(files, repos, xml);
            out.packages.push({
              id: packageId('maven', `${group ?? ''}:${artifact}`, version, `${archive.path}#${evidence}`),
              type: 'maven',
              name: artifact,
              version,
              // a Maven purl needs a namespace: without a groupId, the artifact stands in for it (as syft does)
              purl: new PackageURL('maven', group ?? artifact, artifact, version || undefined, undefined, undefined).toString(),
              licenses: fromPom.licenses.length > 0 ? fromPom.licenses : license && !license.includes('://') ? [license] : [],
              cpes: [],
              foundBy: name,
              locations: [archive.path],
              layer,
              files: archive.path === entry.path ? [entry.path] : [],
              metadata: { groupId: group, artifactId: artifact, evidence, ...(fromPom.from ? { licensesFrom: fromPom.from } : {}), ...(archive.path === entry.path ? {} : { nestedIn: entry.path }) },
            });
          };
          if (archive.pomProperties.length > 0) {
            for (const pom of archive.pomProperties) {
              const props = parseProperties(pom.text);
              const segments = pom.path.split('/');
              const group = props.groupId ?? segments[2];
              const artifact = props.artifactId ?? segments[3];
              if (!artifact || !props.version) {
                out.unknown(`${archive.path}!/${pom.path}`, 'pom.properties without artifactId or version');
                continue;
              }
              add(group, artifact, props.version, pom.path);
            }
            return;
          }
          // No Maven metadata: the manifest names the archive, else its file name does.
          // a title that cannot be a Maven artifactId (Debian's fop.jar: "Apache FOP All-In-One") would make a purl no
          // Maven coordinate has; the file name names the archive then, as syft's does
          const title = [manifest['Bundle-SymbolicName']?.split(';')[0]?.trim(), manifest['Implementation-Title']].find((t) => t !== undefined && mavenId.test(t));
          const fileName = archive.path.slice(archive.path.lastIndexOf('/') + 1).replace(archiveName, '');
          const fromName = /^(.+?)-(\d[\w.+-]*)$/.exec(fileName);
          const artifact = title ?? fromName?.[1] ?? fileName;
          const v = manifestVersion(manifest['Implementation-Version'] ?? manifest['Bundle-Version'], fromName?.[2]);
          if (!v) {
            out.unknown(archive.path, 'a Java archive with neither pom.properties nor a version in its manifest or name');
            return;
          }
          add(undefined, artifact, v, 'META-INF/MANIFEST.MF');
        });
      }
    }
    return out;
  },
};
