/**
 * apt's Release freshness rules (apt.conf(5) `Acquire::Check-Valid-Until`, `Max-ValidTime`, `Min-ValidTime`,
 * `Check-Date`) on the signed headers of Debian's own suites as deb.debian.org served them, against a fixed clock.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkFreshness, cleartextOf, defaultKeyring, type FreshnessChecks, parseRelease, verifyInRelease } from './archive.js';

/** bookworm's Release (a point-release suite: no Valid-Until, as a local mirror or a snapshot copy of it has none). */
const bookworm = `Origin: Debian
Label: Debian
Suite: oldstable
Version: 12.15
Codename: bookworm
Changelogs: https://metadata.ftp-master.debian.org/changelogs/@CHANGEPATH@_changelog
Date: Sat, 11 Jul 2026 10:16:37 UTC
Acquire-By-Hash: yes
No-Support-for-Architecture-all: Packages
Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x
Components: main contrib non-free-firmware non-free
Description: Debian 12.15 Released 11 July 2026
SHA256:
 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 main/binary-amd64/Packages.xz
`;

/** bookworm-security's Release: a Valid-Until one week after its Date. */
const security = `Origin: Debian
Label: Debian-Security
Suite: oldstable-security
Version: 12
Codename: bookworm-security
Date: Sat, 28 Nov 2026 02:53:00 UTC
Valid-Until: Sat, 05 Dec 2026 02:53:00 UTC
Acquire-By-Hash: yes
Architectures: amd64 arm64 armhf i386 ppc64el
Components: updates/main updates/contrib updates/non-free-firmware updates/non-free
Description: Debian 12 - Security Updates
SHA256:
 89426314d157281cf62e252ce1a0634888c84c4a47dd317fb6bf690c0fab6a21   383216 main/binary-amd64/Packages.xz
`;

const day = 86_400;
const subject = 'http://deb.debian.org/debian/dists/bookworm/InRelease';
const securitySubject = 'http://deb.debian.org/debian-security/dists/bookworm-security/InRelease';
const at = (text: string): number => Date.parse(text);
const checks = (now: string, more: Partial<FreshnessChecks> = {}): FreshnessChecks => ({ checkValidUntil: true, checkDate: true, now: at(now), ...more });
const outcome = (text: string, where: string, c: FreshnessChecks): string => {
  try {
    checkFreshness(parseRelease(text, where), where, c);
    return 'accepted';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

describe('checkFreshness: Max-ValidTime', () => {
  it('expires a Release without Valid-Until at Date + max, as apt does; without the option it never expires', () => {
    // bookworm was dated 11 Jul 2026 10:16:37; 30 days later is 10 Aug 2026 10:16:37
    expect(outcome(bookworm, subject, checks('2026-11-29T12:00:00Z'))).toBe('accepted');
    expect(outcome(bookworm, subject, checks('2026-08-10T10:16:36Z', { maxValidTime: 30 * day }))).toBe('accepted');
    expect(outcome(bookworm, subject, checks('2026-08-10T10:16:38Z', { maxValidTime: 30 * day }))).toBe(
      `${subject}: is expired (invalid since Mon, 10 Aug 2026 10:16:37 UTC: Date Sat, 11 Jul 2026 10:16:37 UTC + max-valid-time 2592000s): the mirror serving it is out of date or withholding updates; a larger --max-valid-time (base.maxValidTime) or --no-check-valid-until accepts it`,
    );
  });

  it('caps a later Valid-Until, and leaves an earlier one in force', () => {
    // security: Date 28 Nov 02:53, Valid-Until 5 Dec 02:53; a 2-day cap ends it on 30 Nov 02:53
    expect(outcome(security, securitySubject, checks('2026-11-30T02:52:59Z', { maxValidTime: 2 * day }))).toBe('accepted');
    expect(outcome(security, securitySubject, checks('2026-11-30T02:53:01Z', { maxValidTime: 2 * day }))).toMatch(
      /bookworm-security\/InRelease: is expired \(invalid since Mon, 30 Nov 2026 02:53:00 UTC: Date Sat, 28 Nov 2026 02:53:00 UTC \+ max-valid-time 172800s; Valid-Until Sat, 05 Dec 2026 02:53:00 UTC\)/,
    );
    // a cap beyond Valid-Until changes nothing: the Release still expires at its Valid-Until
    expect(outcome(security, securitySubject, checks('2026-12-05T02:53:01Z', { maxValidTime: 30 * day }))).toBe(
      `${securitySubject}: is expired (invalid since Sat, 05 Dec 2026 02:53:00 UTC): the mirror serving it is out of date or withholding updates; --no-check-valid-until (base.checkValidUntil: false) accepts it, e.g. for snapshot.debian.org`,
    );
  });

  it('is no check when Valid-Until checks are off, or the Release has no Date', () => {
    expect(outcome(bookworm, subject, checks('2027-01-01T00:00:00Z', { maxValidTime: day, checkValidUntil: false }))).toBe('accepted');
    expect(outcome(bookworm.replace(/^Date: .*\n/m, ''), subject, checks('2027-01-01T00:00:00Z', { maxValidTime: day }))).toBe('accepted');
  });
});

describe('checkFreshness: Min-ValidTime', () => {
  it('extends a Valid-Until earlier than Date + min (a snapshot of the security suite read weeks later)', () => {
    expect(outcome(security, securitySubject, checks('2026-12-10T00:00:00Z'))).toMatch(/is expired \(invalid since Sat, 05 Dec 2026 02:53:00 UTC\)/);
    expect(outcome(security, securitySubject, checks('2026-12-10T00:00:00Z', { minValidTime: 14 * day }))).toBe('accepted');
    // 28 Nov 02:53 + 14 days = 12 Dec 02:53
    expect(outcome(security, securitySubject, checks('2026-12-12T02:53:01Z', { minValidTime: 14 * day }))).toMatch(
      /is expired \(invalid since Sat, 12 Dec 2026 02:53:00 UTC: Date Sat, 28 Nov 2026 02:53:00 UTC \+ min-valid-time 1209600s; Valid-Until Sat, 05 Dec 2026 02:53:00 UTC\).*a larger --min-valid-time \(base.minValidTime\)/,
    );
    // never shortens a later Valid-Until
    expect(outcome(security, securitySubject, checks('2026-12-04T00:00:00Z', { minValidTime: day }))).toBe('accepted');
  });

  it('gives a Release without Valid-Until no end (apt applies the minimum to a Valid-Until only)', () => {
    expect(outcome(bookworm, subject, checks('2030-01-01T00:00:00Z', { minValidTime: day }))).toBe('accepted');
  });

  it('applies before the maximum: with both, Date + max still ends it', () => {
    expect(outcome(security, securitySubject, checks('2026-12-08T00:00:00Z', { minValidTime: 14 * day, maxValidTime: 10 * day }))).toBe('accepted');
    expect(outcome(security, securitySubject, checks('2026-12-08T02:53:01Z', { minValidTime: 14 * day, maxValidTime: 10 * day }))).toMatch(/invalid since Tue, 08 Dec 2026 02:53:00 UTC: Date .* \+ max-valid-time 864000s/);
  });
});

describe('checkFreshness: Date', () => {
  it('still refuses a Release dated ahead of the clock, and an unreadable Date once a valid time needs it', () => {
    expect(outcome(bookworm, subject, checks('2026-07-11T10:00:00Z'))).toMatch(/is not valid yet \(invalid for another 16min 37s; Date: Sat, 11 Jul 2026 10:16:37 UTC\)/);
    const badDate = bookworm.replace(/^Date: .*$/m, 'Date: soon');
    expect(outcome(badDate, subject, checks('2026-11-29T12:00:00Z', { checkDate: false }))).toBe('accepted');
    expect(outcome(badDate, subject, checks('2026-11-29T12:00:00Z', { checkDate: false, maxValidTime: day }))).toBe(`${subject}: invalid Date "soon"`);
  });
});

describe('cleartextOf', () => {
  it("reads the signed text of Debian's own InRelease as OpenPGP verifies it", async () => {
    const text = await readFile(new URL('__fixtures__/bookworm-security.InRelease', import.meta.url), 'utf8');
    const verified = await verifyInRelease(text, defaultKeyring, 'bookworm-security InRelease');
    expect(cleartextOf(text)).toBe(verified);
    expect(parseRelease(verified, 'Release').codename).toBe('bookworm-security');
  });

  it('is undefined for text not framed as a clear-signed message', () => {
    for (const bad of ['', 'Origin: Debian\n', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\n', '-----BEGIN PGP SIGNED MESSAGE-----\nnot a header\n\nx\n-----BEGIN PGP SIGNATURE-----\n']) {
      expect(cleartextOf(bad), bad).toBeUndefined();
    }
  });
});
