/** The rule catalogue: every rule of this folder, one file each (test/meta checks that the list matches the folder). */
import type { Rule } from '../types.js';
import { rule as alpineNativeModules } from './alpine-native-modules.js';
import { rule as apkNoCache } from './apk-no-cache.js';
import { rule as aptGetYes } from './apt-get-yes.js';
import { rule as aptListsNotRemoved } from './apt-lists-not-removed.js';
import { rule as aptNoInstallRecommends } from './apt-no-install-recommends.js';
import { rule as copySourceBeforeInstall } from './copy-source-before-install.js';
import { rule as debugToolsInFinalStage } from './debug-tools-in-final-stage.js';
import { rule as missingDockerignore } from './missing-dockerignore.js';
import { rule as noAddUrl } from './no-add-url.js';
import { rule as noDotenvCopy } from './no-dotenv-copy.js';
import { rule as noMultiStage } from './no-multi-stage.js';
import { rule as noRootUser } from './no-root-user.js';
import { rule as npmCi } from './npm-ci.js';
import { rule as npmOmitDev } from './npm-omit-dev.js';
import { rule as pinBaseImage } from './pin-base-image.js';
import { rule as pipNoCacheDir } from './pip-no-cache-dir.js';
import { rule as preferCopy } from './prefer-copy.js';
import { rule as preferSlimBase } from './prefer-slim-base.js';
import { rule as secretsInEnvArg } from './secrets-in-env-arg.js';
import { rule as useSecretMount } from './use-secret-mount.js';

export const allRules: readonly Rule[] = [
  alpineNativeModules,
  apkNoCache,
  aptGetYes,
  aptListsNotRemoved,
  aptNoInstallRecommends,
  copySourceBeforeInstall,
  debugToolsInFinalStage,
  missingDockerignore,
  noAddUrl,
  noDotenvCopy,
  noMultiStage,
  noRootUser,
  npmCi,
  npmOmitDev,
  pinBaseImage,
  pipNoCacheDir,
  preferCopy,
  preferSlimBase,
  secretsInEnvArg,
  useSecretMount,
];
