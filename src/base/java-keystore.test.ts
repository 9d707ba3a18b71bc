import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jksTrustStore, pemCertificates } from './java-keystore.js';

const hasKeytool = spawnSync('keytool', ['-help'], { stdio: 'ignore' }).status === 0;
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'shipshape-jks-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function certificate(cn: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, `${cn}.key`), '-out', join(dir, `${cn}.pem`), '-days', '2', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  return readFileSync(join(dir, `${cn}.pem`), 'utf8');
}

describe('JKS trust store', () => {
  it('lays out magic, version, sorted trusted-certificate entries and a 20-byte keyed SHA-1', () => {
    const a = Buffer.from('cert-a');
    const b = Buffer.from('cert-bb');
    const store = jksTrustStore([{ alias: 'z', der: b }, { alias: 'a', der: a }], 0);
    expect(store.readUInt32BE(0)).toBe(0xfeedfeed);
    expect(store.readUInt32BE(4)).toBe(2);
    expect(store.readUInt32BE(8)).toBe(2);
    expect(store.readUInt32BE(12)).toBe(2); // tag: trusted certificate
    expect(store.subarray(16, 19).toString()).toBe('\u0000\u0001a'); // alias "a" first
    expect(store.length).toBe(12 + 2 * (4 + 2 + 8 + 7 + 4) + 2 + a.length + b.length + 20);
    expect(jksTrustStore([{ alias: 'a', der: a }, { alias: 'z', der: b }], 0)).toEqual(store);
    expect(() => jksTrustStore([{ alias: 'a', der: a }, { alias: 'a', der: b }], 0)).toThrow(/used twice/);
    // modified UTF-8: é is two bytes, € three, and a character outside the BMP is two 3-byte surrogates
    const named = jksTrustStore([{ alias: 'é€😀', der: a }], 0);
    expect(named.subarray(16, 18).readUInt16BE(0)).toBe(2 + 3 + 6);
    expect(named.subarray(18, 20)).toEqual(Buffer.from([0xc3, 0xa9]));
  });

  it('splits a PEM file into its certificates', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\nnoise\n-----BEGIN CERTIFICATE-----\nAwQ=\n-----END CERTIFICATE-----\n';
    expect(pemCertificates(pem, 'x.pem')).toEqual([Buffer.from([0, 1, 2]), Buffer.from([3, 4])]);
    expect(() => pemCertificates('-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----', 'bad.pem')).toThrow(/bad\.pem/);
  });

  it.skipIf(!hasKeytool || !hasOpenssl)('is read by the JDK keytool with the password changeit, and refused with another', () => {
    const certs = ['one', 'two', 'three'].map((cn) => ({ alias: `debian:${cn}_főtanúsítvány.pem`, der: pemCertificates(certificate(cn), cn)[0] ?? Buffer.alloc(0) }));
    const file = join(dir, 'cacerts');
    writeFileSync(file, jksTrustStore(certs, Date.UTC(2024, 0, 1)));
    const list = execFileSync('keytool', ['-list', '-keystore', file, '-storepass', 'changeit'], { encoding: 'utf8' });
    expect(list).toMatch(/Your keystore contains 3 entries/);
    expect(list.match(/trustedCertEntry/g)).toHaveLength(3);
    expect(list).toContain('debian:two_főtanúsítvány.pem');
    const wrong = spawnSync('keytool', ['-list', '-keystore', file, '-storepass', 'wrongpass'], { encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/tampered|password was incorrect/);
  });
});
