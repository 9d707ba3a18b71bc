import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { bundledDebianKeys } from './debian-keyring.js';

describe('bundledDebianKeys', () => {
  it("holds Debian 12's archive, security and release signing keys", async () => {
    const keys = await openpgp.readKeys({ armoredKeys: bundledDebianKeys });
    const users = keys.flatMap((k) => k.getUserIDs());
    expect(users).toEqual([
      'Debian Archive Automatic Signing Key (12/bookworm) <ftpmaster@debian.org>',
      'Debian Security Archive Automatic Signing Key (12/bookworm) <ftpmaster@debian.org>',
      'Debian Stable Release Key (12/bookworm) <debian-release@lists.debian.org>',
    ]);
    expect(keys.every((k) => !k.isPrivate())).toBe(true);
  });
});
