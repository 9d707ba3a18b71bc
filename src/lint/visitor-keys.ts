/**
 * The engine's visitor keys in dispatch-table order: the instruction keywords, then the whole-file keys. The table
 * is an array indexed by position here, and the engine keeps a rule's `meta.visits` and the keywords a file holds as
 * bit masks over these positions, in 32-bit integers (`1 << i`). A 32nd key would silently share a bit with the
 * first (`1 << 32 === 1`, and bit 31 is the sign), so the list's length is checked when the module loads.
 */
import { ShipshapeError } from '../internal/errors.js';
import type { VisitorKey } from './types.js';

/** How many keys the engine's 32-bit masks hold, leaving the sign bit unused. */
export const maxVisitorKeys = 31;

/** `keys` when every one can have a bit of its own in the engine's masks; a clear internal error otherwise. */
export function checkedVisitorKeys<K extends string>(keys: readonly K[]): readonly K[] {
  if (keys.length > maxVisitorKeys) {
    throw new ShipshapeError('internal', `the lint engine has ${String(keys.length)} visitor keys, more than the ${String(maxVisitorKeys)} its 32-bit visitor masks can hold`);
  }
  return keys;
}

export const visitorKeys: readonly VisitorKey[] = checkedVisitorKeys<VisitorKey>([
  'Add',
  'Arg',
  'Cmd',
  'Copy',
  'Entrypoint',
  'Env',
  'Expose',
  'From',
  'Healthcheck',
  'Label',
  'Maintainer',
  'Onbuild',
  'Run',
  'Shell',
  'Stopsignal',
  'User',
  'Volume',
  'Workdir',
  'Unknown',
  'Dockerfile',
  'Dockerfile:exit',
]);
