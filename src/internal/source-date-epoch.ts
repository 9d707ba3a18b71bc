/**
 * SOURCE_DATE_EPOCH (reproducible-builds.org): the time a reproducible output records, in seconds since the epoch.
 * The spec wants ASCII decimal digits only, so `0x10`, `1e3`, ` 12 `, `-5` or `1.5` (which `Number()` would take or
 * round) are a one-line error (exit 2) naming where the value came from, never a silent guess. One reader for the
 * CLI's flag, image building from a folder and SBOM creation times.
 */
import { ShipshapeError } from './errors.js';

/** 9999-12-31T23:59:59Z: the last second RFC 3339 (an image's `created`) can write. */
export const maxSourceDateEpoch = 253_402_300_799;

/** `text` as whole seconds; `name` (the flag or the variable) is what an error names. Empty or absent: undefined. */
export function parseSourceDateEpoch(text: string | undefined, name = 'SOURCE_DATE_EPOCH'): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^[0-9]+$/.test(text)) throw new ShipshapeError('usage', `${name}: ${JSON.stringify(text)} is not a whole number of seconds (decimal digits only)`);
  const epoch = Number(text);
  if (epoch > maxSourceDateEpoch) throw new ShipshapeError('usage', `${name}: ${JSON.stringify(text)} is after 9999-12-31T23:59:59Z (${maxSourceDateEpoch}), the last time an image's created field can hold`);
  return epoch;
}

/** SOURCE_DATE_EPOCH from the environment (empty: unset). */
export function sourceDateEpochFromEnv(): number | undefined {
  return parseSourceDateEpoch(process.env.SOURCE_DATE_EPOCH);
}
