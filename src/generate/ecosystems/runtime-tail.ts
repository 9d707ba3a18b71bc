/** The end every runtime stage shares: a numeric non-root user and the port. */
import type { DockerfileWriter } from '../dockerfile-writer.js';

/**
 * distroless's `nonroot` user is 65532; a numeric id works on every base (even one without /etc/passwd) and
 * lets Kubernetes verify `runAsNonRoot` without reading the image's passwd file.
 */
export const nonRootUser = '65532:65532';

export function runtimeTail(w: DockerfileWriter, port: number | undefined): void {
  w.instruction('USER', nonRootUser);
  if (port !== undefined) w.instruction('EXPOSE', String(port));
}
