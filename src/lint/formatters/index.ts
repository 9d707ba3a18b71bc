/** Output formats, one file each; test/meta-style check: this list matches the folder. */
import { formatCheckstyle } from './checkstyle.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

export type LintFormat = 'text' | 'json' | 'sarif' | 'checkstyle' | 'github';

export const formatters: Record<LintFormat, Formatter> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  checkstyle: formatCheckstyle,
  github: formatGithub,
};

export type { FileReport, FormatInput, Formatter } from './types.js';
