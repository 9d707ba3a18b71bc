/**
 * The environment shipshape runs npm in: the caller's, with npm's update check off. The check downloads npm's own
 * registry entry whenever npm's cache holds no recent record of one, and npm waits for it before exiting, which
 * adds a registry round trip to a timed or offline build.
 */
export function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_update_notifier: 'false', ...extra };
}
