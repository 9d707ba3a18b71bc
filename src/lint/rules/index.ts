/** The rule catalogue: every rule of this folder, one file each (test/meta checks that the list matches the folder). */
import type { Rule } from '../types.js';
import { rule as absoluteWorkdir } from './absolute-workdir.js';
import { rule as addLocalArchive } from './add-local-archive.js';
import { rule as alpineNativeModules } from './alpine-native-modules.js';
import { rule as apkNoCache } from './apk-no-cache.js';
import { rule as aptGetUpdateAlone } from './apt-get-update-alone.js';
import { rule as aptGetYes } from './apt-get-yes.js';
import { rule as aptListsNotRemoved } from './apt-lists-not-removed.js';
import { rule as aptNoInstallRecommends } from './apt-no-install-recommends.js';
import { rule as aptNotAptGet } from './apt-not-apt-get.js';
import { rule as consecutiveRun } from './consecutive-run.js';
import { rule as copyDestSlash } from './copy-dest-slash.js';
import { rule as copyFromStage } from './copy-from-stage.js';
import { rule as copyIgnoredFile } from './copy-ignored-file.js';
import { rule as copyNeedsWorkdir } from './copy-needs-workdir.js';
import { rule as copySourceBeforeInstall } from './copy-source-before-install.js';
import { rule as debugToolsInFinalStage } from './debug-tools-in-final-stage.js';
import { rule as dnfNodocs } from './dnf-nodocs.js';
import { rule as duplicateStageName } from './duplicate-stage-name.js';
import { rule as emptyContinuation } from './empty-continuation.js';
import { rule as fromPlatformFlag } from './from-platform-flag.js';
import { rule as healthcheckMissing } from './healthcheck-missing.js';
import { rule as instructionBeforeFrom } from './instruction-before-from.js';
import { rule as instructionCasing } from './instruction-casing.js';
import { rule as invalidDefaultArgInFrom } from './invalid-default-arg-in-from.js';
import { rule as jsonArgs } from './json-args.js';
import { rule as labelRequired } from './label-required.js';
import { rule as labelUnknown } from './label-unknown.js';
import { rule as labelValueFormat } from './label-value-format.js';
import { rule as legacyKeyValue } from './legacy-key-value.js';
import { rule as maintainerDeprecated } from './maintainer-deprecated.js';
import { rule as missingDockerignore } from './missing-dockerignore.js';
import { rule as noAddUrl } from './no-add-url.js';
import { rule as noCd } from './no-cd.js';
import { rule as noDistUpgrade } from './no-dist-upgrade.js';
import { rule as noDotenvCopy } from './no-dotenv-copy.js';
import { rule as noDuplicateInstructions } from './no-duplicate-instructions.js';
import { rule as noMultiStage } from './no-multi-stage.js';
import { rule as noPointlessCommands } from './no-pointless-commands.js';
import { rule as noRootUser } from './no-root-user.js';
import { rule as noSshPort } from './no-ssh-port.js';
import { rule as noSudo } from './no-sudo.js';
import { rule as npmCi } from './npm-ci.js';
import { rule as npmOmitDev } from './npm-omit-dev.js';
import { rule as onbuildTrigger } from './onbuild-trigger.js';
import { rule as packageManagerClean } from './package-manager-clean.js';
import { rule as packageManagerYes } from './package-manager-yes.js';
import { rule as pinBaseImage } from './pin-base-image.js';
import { rule as pinPackageVersions } from './pin-package-versions.js';
import { rule as pipNoCacheDir } from './pip-no-cache-dir.js';
import { rule as pipefail } from './pipefail.js';
import { rule as preferCopy } from './prefer-copy.js';
import { rule as preferSlimBase } from './prefer-slim-base.js';
import { rule as reservedStageName } from './reserved-stage-name.js';
import { rule as secretsInEnvArg } from './secrets-in-env-arg.js';
import { rule as stageNameCasing } from './stage-name-casing.js';
import { rule as trustedRegistries } from './trusted-registries.js';
import { rule as undefinedVariable } from './undefined-variable.js';
import { rule as useSecretMount } from './use-secret-mount.js';
import { rule as useShellInstruction } from './use-shell-instruction.js';
import { rule as useraddNoLogInit } from './useradd-no-log-init.js';
import { rule as validExpose } from './valid-expose.js';
import { rule as validLabelKey } from './valid-label-key.js';
import { rule as wgetAndCurl } from './wget-and-curl.js';
import { rule as wgetProgress } from './wget-progress.js';
import { rule as workdirSystemDir } from './workdir-system-dir.js';

export const allRules: readonly Rule[] = [
  absoluteWorkdir,
  addLocalArchive,
  alpineNativeModules,
  apkNoCache,
  aptGetUpdateAlone,
  aptGetYes,
  aptListsNotRemoved,
  aptNoInstallRecommends,
  aptNotAptGet,
  consecutiveRun,
  copyDestSlash,
  copyFromStage,
  copyIgnoredFile,
  copyNeedsWorkdir,
  copySourceBeforeInstall,
  debugToolsInFinalStage,
  dnfNodocs,
  duplicateStageName,
  emptyContinuation,
  fromPlatformFlag,
  healthcheckMissing,
  instructionBeforeFrom,
  instructionCasing,
  invalidDefaultArgInFrom,
  jsonArgs,
  labelRequired,
  labelUnknown,
  labelValueFormat,
  legacyKeyValue,
  maintainerDeprecated,
  missingDockerignore,
  noAddUrl,
  noCd,
  noDistUpgrade,
  noDotenvCopy,
  noDuplicateInstructions,
  noMultiStage,
  noPointlessCommands,
  noRootUser,
  noSshPort,
  noSudo,
  npmCi,
  npmOmitDev,
  onbuildTrigger,
  packageManagerClean,
  packageManagerYes,
  pinBaseImage,
  pinPackageVersions,
  pipNoCacheDir,
  pipefail,
  preferCopy,
  preferSlimBase,
  reservedStageName,
  secretsInEnvArg,
  stageNameCasing,
  trustedRegistries,
  undefinedVariable,
  useSecretMount,
  useShellInstruction,
  useraddNoLogInit,
  validExpose,
  validLabelKey,
  wgetAndCurl,
  wgetProgress,
  workdirSystemDir,
];
