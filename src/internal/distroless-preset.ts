/**
 * Which distroless-style base holds what an ELF program needs, as distroless advises: no DT_NEEDED and no interpreter
 * → `static`; glibc (and OpenSSL) → `base`; libstdc++/libgcc_s/libgomp too → `cc`. Shared by `build --binary` (the
 * base it builds on) and `analyze` (the base its estimate assumes).
 */

export type DistrolessPreset = 'static' | 'base' | 'cc';

/** Libraries of glibc (libc6) and OpenSSL (libssl3): what the `base` preset holds. */
const baseLibraries = /^(?:libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1|libanl\.so\.1|libnss_[a-z]+\.so\.2|ld-linux-[\w-]+\.so\.\d|ld-linux\.so\.\d|libssl\.so\.3|libcrypto\.so\.3)$/;
/** Added by `cc`: the C++ runtime, libgcc's unwinder and OpenMP. */
const ccLibraries = /^(?:libstdc\+\+\.so\.6|libgcc_s\.so\.1|libgomp\.so\.1)$/;

/** The DT_NEEDED entries no preset holds. */
export function foreignLibraries(needed: readonly string[]): string[] {
  return needed.filter((n) => !baseLibraries.test(n) && !ccLibraries.test(n));
}

/** The smallest preset that holds every library `needed` names, or undefined when some library is in none. */
export function distrolessPreset(needed: readonly string[], interpreter: string | undefined): DistrolessPreset | undefined {
  if (foreignLibraries(needed).length > 0) return undefined;
  if (needed.some((n) => ccLibraries.test(n))) return 'cc';
  return needed.length > 0 || interpreter !== undefined ? 'base' : 'static';
}
