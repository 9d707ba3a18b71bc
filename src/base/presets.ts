/**
 * The presets, equivalent to Google's distroless images for Debian 12. `packages` are taken alone (as
 * distroless lists them by hand: tzdata's debconf dependency, for instance, serves only its maintainer script);
 * `closure` packages come with their dependency closure. Each preset extends the one before it.
 */

export type PresetName = 'static' | 'base' | 'cc' | 'nodejs' | 'python3' | 'java';

export const presetNames: readonly PresetName[] = ['static', 'base', 'cc', 'nodejs', 'python3', 'java'];

export interface Preset {
  name: PresetName;
  description: string;
  /** Installed alone. */
  packages: readonly string[];
  /** Installed with their dependency closure. */
  closure: readonly string[];
  /** Extra dependencies to count as met (their payload is useless in an image that runs no maintainer scripts). */
  assumeInstalled: readonly string[];
  /** Adds the Node.js runtime from a binary as its own layer. */
  node: boolean;
  entrypoint?: string[];
  env: readonly string[];
}

const path = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const sslCertFile = 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt';

const staticPreset: Preset = {
  name: 'static',
  description: 'base-files, netbase, tzdata, media-types, the CA bundle, passwd/group, /tmp, nsswitch.conf, os-release',
  packages: ['base-files', 'netbase', 'tzdata', 'media-types'],
  closure: [],
  assumeInstalled: [],
  node: false,
  env: [path, sslCertFile],
};

const basePreset: Preset = { ...staticPreset, name: 'base', description: 'static + glibc and OpenSSL', closure: ['libc6', 'libssl3'] };
const ccPreset: Preset = { ...basePreset, name: 'cc', description: 'base + libstdc++, libgcc and libgomp', closure: [...basePreset.closure, 'libstdc++6', 'libgcc-s1', 'libgomp1'] };

export const presets: Record<PresetName, Preset> = {
  static: staticPreset,
  base: basePreset,
  cc: ccPreset,
  nodejs: {
    ...ccPreset,
    name: 'nodejs',
    description: 'cc + the Node.js runtime (from --node-binary, default the running node; stripped unless --keep-node-symbols) at /nodejs/bin/node',
    node: true,
    entrypoint: ['/nodejs/bin/node'],
    env: [`${path}:/nodejs/bin`, sslCertFile],
  },
  python3: {
    ...ccPreset,
    name: 'python3',
    description: 'cc + Python 3.11 and its standard library',
    closure: [...ccPreset.closure, 'python3.11'],
    entrypoint: ['/usr/bin/python3.11'],
  },
  java: {
    ...ccPreset,
    name: 'java',
    description: 'cc + the OpenJDK 17 headless JRE',
    closure: [...ccPreset.closure, 'openjdk-17-jre-headless'],
    // ca-certificates-java and java-common run keytool/update-alternatives in maintainer scripts; util-linux is
    // Essential in Debian and only needed by those scripts too.
    assumeInstalled: ['ca-certificates-java', 'java-common', 'util-linux'],
    entrypoint: ['/usr/lib/jvm/java-17-openjdk-amd64/bin/java'],
  },
};

/** The package whose certificates become `/etc/ssl/certs/ca-certificates.crt` (its scripts never run). */
export const caCertificatesPackage = 'ca-certificates';
