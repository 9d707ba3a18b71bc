/**
 * A file path as a SARIF `artifactLocation.uri` (a URI reference, RFC 3986): each name percent-encoded and `/`
 * kept, so a space, `#`, `?` or `%` in a file name stays part of the path instead of making the URI invalid or
 * starting a query or fragment. Backslashes (Windows paths) become `/`.
 */
export function pathUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}
