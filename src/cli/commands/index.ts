/** Every verb, one file each; test/meta checks that this list matches the folder. */
import type { Command } from 'commander';
import { register as analyze } from './analyze.js';
import { register as base } from './base.js';
import { register as config } from './config.js';
import { register as context } from './context.js';
import { register as copy } from './copy.js';
import { register as db } from './db.js';
import { register as diff } from './diff.js';
import { register as init } from './init.js';
import { register as inspect } from './inspect.js';
import { register as lint } from './lint.js';
import { register as sbom } from './sbom.js';
import { register as scan } from './scan.js';
import { register as secrets } from './secrets.js';
import { register as digest } from './digest.js';
import { register as login } from './login.js';
import { register as logout } from './logout.js';
import { register as tags } from './tags.js';

export const verbs: Record<string, (program: Command) => void> = {
  analyze,
  base,
  config,
  context,
  copy,
  db,
  diff,
  init,
  inspect,
  lint,
  sbom,
  scan,
  secrets,
  digest,
  login,
  logout,
  tags,
};
