/**
 * pip index settings a project keeps beside its requirement files: a `pip.conf` or `pip.ini` in the project's folder
 * (pip's INI file, as `PIP_CONFIG_FILE` points pip at it) and `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL` and
 * `PIP_FIND_LINKS` in its `.env` (the variables `docker compose` and a shell's `set -a; . ./.env` export). An index
 * URL with credentials moved there out of requirements.txt is still one the build needs: its pip installs keep
 * reading it from the build secret. Only the host is ever returned, never the URL.
 */
import { urlCredentialsHost } from '../../../internal/url-credentials.js';
import { joinPath, type ProjectFiles } from '../../project-files.js';
import type { PipUrlOption } from '../../types.js';
import { readDotenv } from './dotenv.js';

/** A URL with credentials in a pip setting: where it is, the option it gives, the host it is for. */
export interface CredentialedPipSetting {
  /** The file, relative to the project files' root. */
  file: string;
  /** The setting as written there: `PIP_INDEX_URL`, `index-url in [global]`. */
  setting: string;
  option: PipUrlOption;
  host: string;
}

/** Both files are small; a larger one is not a settings file of this kind and is read no further than this. */
const readLimit = 64 * 1024;

const options = new Map<string, PipUrlOption>([['index-url', 'index-url'], ['extra-index-url', 'extra-index-url'], ['find-links', 'find-links']]);

/** pip takes `PIP_<OPTION>` (upper case, `-` as `_`) from the environment. */
const variables = new Map<string, PipUrlOption>([['PIP_INDEX_URL', 'index-url'], ['PIP_EXTRA_INDEX_URL', 'extra-index-url'], ['PIP_FIND_LINKS', 'find-links']]);

/** pip splits a list option's value (extra-index-url, find-links) at white space, in a file and a variable alike. */
function urlsOf(value: string): string[] {
  return value.split(/\s+/).filter((url) => url !== '');
}

/**
 * The URL settings of a pip configuration file that `pip install` applies: the `[global]` and `[install]` sections,
 * names as pip normalises them (`index_url`, `--index-url` → `index-url`), values continued on indented lines
 * (configparser's rules; `#` and `;` start a comment only at the start of a line).
 */
function pipConfigSettings(text: string): { name: string; section: string; value: string }[] {
  const settings: { name: string; section: string; value: string }[] = [];
  let section: string | undefined;
  let current: { name: string; section: string; value: string } | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    if (/^\s/.test(line)) {
      if (current !== undefined) current.value += ` ${line.trim()}`;
      continue;
    }
    current = undefined;
    const header = /^\[([^\]]+)\]\s*$/.exec(line)?.[1];
    if (header !== undefined) {
      section = header.trim();
      continue;
    }
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (entry?.[1] === undefined || entry[2] === undefined || (section !== 'global' && section !== 'install')) continue;
    current = { name: entry[1].toLowerCase().replace(/_/g, '-').replace(/^--/, ''), section, value: entry[2].trim() };
    settings.push(current);
  }
  return settings;
}

/**
 * Index URLs with credentials in the pip settings of the project in `dir` (pip.conf, pip.ini, .env), in file order.
 * A URL whose credentials are `${VARIABLES}` is no secret (pip expands them), as in requirements.txt.
 */
export async function credentialedPipSettings(files: ProjectFiles, dir: string): Promise<CredentialedPipSetting[]> {
  const found: CredentialedPipSetting[] = [];
  const add = (file: string, setting: string, option: PipUrlOption, value: string): void => {
    for (const url of urlsOf(value)) {
      const host = urlCredentialsHost(url, { tokenUser: true });
      if (host !== undefined) found.push({ file, setting, option, host });
    }
  };
  for (const name of ['pip.conf', 'pip.ini']) {
    const file = joinPath(dir, name);
    const text = await files.readText(file, readLimit).catch(() => undefined);
    if (text === undefined) continue;
    for (const { name: setting, section, value } of pipConfigSettings(text)) {
      const option = options.get(setting);
      if (option !== undefined) add(file, `${setting} in [${section}]`, option, value);
    }
  }
  for (const [variable, value] of await readDotenv(files, dir)) {
    const option = variables.get(variable);
    if (option !== undefined) add(joinPath(dir, '.env'), variable, option, value);
  }
  return found;
}
