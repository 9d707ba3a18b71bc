import { describe, expect, it } from 'vitest';
import { comparePackages } from './update.js';

describe('base update comparison', () => {
  it('reads as apt list --upgradable, with packages added and dropped by dependency changes', () => {
    const locked = [
      { name: 'tzdata', version: '2024a-0+deb12u1' },
      { name: 'libssl3', version: '3.0.15-1~deb12u1' },
      { name: 'gone', version: '1.0' },
      { name: 'base-files', version: '12.4+deb12u5' },
      { name: 'epoch', version: '1:1.0' },
    ];
    const current = [
      { name: 'base-files', version: '12.4+deb12u5' },
      { name: 'libssl3', version: '3.0.17-1~deb12u2' },
      { name: 'tzdata', version: '2025b-0+deb12u1' },
      { name: 'new-dep', version: '2.0' },
      { name: 'epoch', version: '2.0' },
    ];
    expect(comparePackages(locked, current)).toEqual([
      { name: 'base-files', locked: '12.4+deb12u5', available: '12.4+deb12u5', change: 'same' },
      // an epoch outranks any upstream version (Policy §5.6.12)
      { name: 'epoch', locked: '1:1.0', available: '2.0', change: 'downgrade' },
      { name: 'gone', locked: '1.0', available: undefined, change: 'removed' },
      { name: 'libssl3', locked: '3.0.15-1~deb12u1', available: '3.0.17-1~deb12u2', change: 'upgrade' },
      { name: 'new-dep', locked: undefined, available: '2.0', change: 'added' },
      { name: 'tzdata', locked: '2024a-0+deb12u1', available: '2025b-0+deb12u1', change: 'upgrade' },
    ]);
  });
});
