/** Declared licenses as SPDX expressions: valid ones kept, anything else (Debian's `GPL-2+`) as a LicenseRef. */
import parse from 'spdx-expression-parse';

export function isSpdxExpression(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

/** `LicenseRef-` ids allow only letters, digits, `.` and `-` (SPDX 2.3 annex D). */
export function licenseRef(value: string): string {
  return `LicenseRef-${value.replace(/\+/g, 'plus').replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown'}`;
}

/** One SPDX expression for a package's licenses (AND of all), with the non-SPDX names it had to turn into refs. */
export function toExpression(licenses: readonly string[]): { expression: string | undefined; refs: Map<string, string> } {
  const refs = new Map<string, string>();
  const parts = licenses.map((l) => {
    if (isSpdxExpression(l)) return licenses.length > 1 && /\s(AND|OR|WITH)\s/i.test(l) ? `(${l})` : l;
    const ref = licenseRef(l);
    refs.set(ref, l);
    return ref;
  });
  return { expression: parts.length === 0 ? undefined : parts.join(' AND '), refs };
}
