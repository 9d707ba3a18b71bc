/** PEP 440 ordering for PyPI, with renovate's implementation. */
import { compare, valid } from '@renovatebot/pep440';

export function pep440(a: string, b: string): number {
  if (!valid(a)) throw new Error(`invalid PEP 440 version "${a}"`);
  if (!valid(b)) throw new Error(`invalid PEP 440 version "${b}"`);
  return compare(a, b);
}
