/**
 * Registry credentials where Docker keeps them: `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`) with
 * `auths`, `credHelpers` and `credsStore`, the latter two through the `docker-credential-<name>` protocol
 * (docker/docker-credential-helpers: `get`/`store`/`erase` with the server on stdin, JSON on stdout).
 * Secrets stay in memory: no message, event or error ever contains one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { externalFailure, invalidInput, ShipshapeError, wrap } from '../../internal/errors.js';
import { readBoundedText } from '../../internal/files.js';
import { parseJson } from '../../internal/parse-json.js';
import { defaultDomain } from '../reference.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken`), exchanged at the token endpoint. */
  identityToken?: string;
  /** A bearer token sent as is (`registrytoken`). */
  registryToken?: string;
}

/** The key Docker uses for Docker Hub in `auths` and for credential helpers. */
export const dockerHubServer = 'https://index.docker.io/v1/';

const authEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
});

// loose: the keys shipshape does not read (psFormat, proxies, plugins) are written back unchanged by login and logout
const dockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
});

type DockerConfig = z.infer<typeof dockerConfigSchema>;

const helperAnswerSchema = z.looseObject({ Username: z.string(), Secret: z.string() });

/** The Docker config file in effect. */
export function dockerConfigPath(dir = process.env.DOCKER_CONFIG): string {
  return join(dir ?? join(homedir(), '.docker'), 'config.json');
}

/** `docker.io` and its aliases map to Docker Hub's legacy key; other hosts are themselves. */
export function serverKey(registry: string): string {
  return registry === defaultDomain || registry === 'index.docker.io' || registry === 'registry-1.docker.io' ? dockerHubServer : registry;
}

/** `https://host:5000/v1/` → `host:5000`, as Docker normalises `auths` keys. */
function keyHost(key: string): string {
  const stripped = key.replace(/^[a-z]+:\/\//i, '');
  const slash = stripped.indexOf('/');
  return slash === -1 ? stripped : stripped.slice(0, slash);
}

/**
 * The largest Docker config file read. A config is a few KiB (even with hundreds of `auths` and plugin settings);
 * 16 MiB is generous and still keeps a stray huge file (a mistaken DOCKER_CONFIG) from being read into memory.
 */
const maxDockerConfigBytes = 16 * 1024 * 1024;

/** The parsed config.json, or undefined when there is none; the keys shipshape does not read are kept for writing back. */
async function readDockerConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readBoundedText(path, maxDockerConfigBytes, 'a Docker config file');
  } catch (error) {
    if (error instanceof ShipshapeError && error.code === 'not-found') return undefined;
    throw error;
  }
  return parseJson(text, dockerConfigSchema, path, 'a Docker config file');
}

/** Runs `docker-credential-<helper> <action>` with `input` on stdin; resolves stdout, or undefined for "not found". */
async function runHelper(helper: string, action: 'get' | 'store' | 'erase', input: string, server: string): Promise<string | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outSize = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      outSize += chunk.length;
      if (outSize <= 1024 * 1024) out.push(chunk);
    });
    child.stderr.resume();
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? externalFailure(`credential helper ${program}`, 'not found on PATH') : externalFailure(`credential helper ${program}`, error.message, error));
    });
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8').trim();
      if (code === 0) {
        resolve(stdout);
        return;
      }
      // The protocol's "credentials not found" answer is this exact text on stdout.
      if (/credentials not found/i.test(stdout)) {
        resolve(undefined);
        return;
      }
      // The helper's output may echo what it was given; never repeat it.
      reject(externalFailure(`credential helper ${program}`, `${action} for ${server} failed with exit code ${code ?? 'signal'}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

async function fromHelper(helper: string, server: string): Promise<Credentials | undefined> {
  const out = await runHelper(helper, 'get', server, server);
  if (out === undefined || out === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    throw externalFailure(`credential helper docker-credential-${helper}`, `answered something other than JSON for ${server}`);
  }
  const answer = helperAnswerSchema.safeParse(parsed);
  if (!answer.success) throw externalFailure(`credential helper docker-credential-${helper}`, `answer for ${server} lacks Username/Secret`);
  // A helper stores identity tokens with the user name "<token>" (docker-credential-helpers convention).
  if (answer.data.Username === '<token>') return { identityToken: answer.data.Secret };
  return { username: answer.data.Username, password: answer.data.Secret };
}

function fromEntry(entry: z.infer<typeof authEntrySchema>, path: string, key: string): Credentials {
  const creds: Credentials = {};
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw invalidInput(`${path}: auths["${key}"].auth`, 'is not base64 of "user:password"');
    creds.username = decoded.slice(0, colon);
    creds.password = decoded.slice(colon + 1);
  } else {
    if (entry.username !== undefined) creds.username = entry.username;
    if (entry.password !== undefined) creds.password = entry.password;
  }
  if (entry.identitytoken) creds.identityToken = entry.identitytoken;
  if (entry.registrytoken) creds.registryToken = entry.registrytoken;
  return creds;
}

/** The credentials Docker would use for `registry` (a host such as `docker.io` or `localhost:5000`), or undefined. */
export async function resolveCredentials(registry: string, configPath = dockerConfigPath()): Promise<Credentials | undefined> {
  const config = await readDockerConfig(configPath);
  if (!config) return undefined;
  const key = serverKey(registry);
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[registry];
  if (helper !== undefined) return fromHelper(helper, key);
  if (config.credsStore !== undefined && config.credsStore !== '') {
    const found = await fromHelper(config.credsStore, key);
    if (found) return found;
  }
  const auths = config.auths ?? {};
  const exact = auths[key];
  if (exact) return fromEntry(exact, configPath, key);
  const wanted = keyHost(key);
  for (const [k, entry] of Object.entries(auths)) {
    if (keyHost(k) === wanted) return fromEntry(entry, configPath, k);
  }
  return undefined;
}

async function writeAtomically(path: string, content: Record<string, unknown>): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.config.json.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(content, null, '\t')}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw wrap(error, `writing ${path}`);
  }
}

/** Where `storeCredentials` put them. */
export type CredentialLocation = { kind: 'file'; path: string } | { kind: 'helper'; helper: string };

/**
 * Saves credentials as `docker login` does: through the registry's credential helper or `credsStore` when one is
 * configured, else base64 in `auths` (keeping every other key of the file as it was).
 */
export async function storeCredentials(registry: string, username: string, password: string, configPath = dockerConfigPath()): Promise<CredentialLocation> {
  const config: DockerConfig = (await readDockerConfig(configPath)) ?? {};
  const key = serverKey(registry);
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[registry] ?? (config.credsStore || undefined);
  if (helper !== undefined) {
    await runHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: username, Secret: password }), key);
    // Docker leaves an empty entry in auths so that `docker info` lists the registry.
    const auths = { ...(config.auths ?? {}), [key]: {} };
    await writeAtomically(configPath, { ...config, auths });
    return { kind: 'helper', helper };
  }
  const auths = { ...(config.auths ?? {}), [key]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } };
  await writeAtomically(configPath, { ...config, auths });
  return { kind: 'file', path: configPath };
}

/** Removes credentials as `docker logout` does; false when there were none. */
export async function eraseCredentials(registry: string, configPath = dockerConfigPath()): Promise<boolean> {
  const config = await readDockerConfig(configPath);
  if (!config) return false;
  const key = serverKey(registry);
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[registry] ?? (config.credsStore || undefined);
  let erased = false;
  if (helper !== undefined) {
    erased = (await runHelper(helper, 'erase', key, key)) !== undefined;
  }
  const auths = { ...(config.auths ?? {}) };
  const wanted = keyHost(key);
  for (const k of Object.keys(auths)) {
    if (k === key || keyHost(k) === wanted) {
      Reflect.deleteProperty(auths, k);
      erased = true;
    }
  }
  if (erased) await writeAtomically(configPath, { ...config, auths });
  return erased;
}
