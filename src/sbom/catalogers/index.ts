/** Every cataloger, one folder per ecosystem; test/meta checks this list matches the folders. */
import { type Cataloger, combineCatalogers } from '../cataloger.js';
import { apkDbCataloger } from './apk/apk-db-cataloger.js';
import { dpkgDbCataloger } from './dpkg/dpkg-db-cataloger.js';
import { goModuleBinaryCataloger } from './go/go-module-binary-cataloger.js';
import { goModuleFileCataloger } from './go/go-module-file-cataloger.js';
import { javaArchiveCataloger } from './java/java-archive-cataloger.js';
import { npmPackageCataloger } from './npm/npm-package-cataloger.js';
import { pythonPackageCataloger } from './python/python-package-cataloger.js';
import { rpmDbCataloger } from './rpm/rpm-db-cataloger.js';
import { rustAuditBinaryCataloger } from './rust/rust-audit-binary-cataloger.js';
import { rustCargoLockCataloger } from './rust/rust-cargo-lock-cataloger.js';

export const catalogers: Record<string, Cataloger> = {
  apk: apkDbCataloger,
  dpkg: dpkgDbCataloger,
  go: combineCatalogers('go-module-cataloger', [goModuleFileCataloger, goModuleBinaryCataloger]),
  java: javaArchiveCataloger,
  npm: npmPackageCataloger,
  python: pythonPackageCataloger,
  rpm: rpmDbCataloger,
  rust: combineCatalogers('rust-cargo-cataloger', [rustCargoLockCataloger, rustAuditBinaryCataloger]),
};
