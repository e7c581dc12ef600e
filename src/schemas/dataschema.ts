/** A reference to one registered version, parsed from an event's `dataschema`. */
export interface VersionRef {
  readonly name: string;
  /** The `source` scope given in a URL reference (`?source=`); undefined = not given. */
  readonly source: string | undefined;
  readonly version: number;
}

const URN_PREFIX = 'urn:switchyard:schema:';
const URL_PATH = /\/v1\/schemas\/([^/?#]+)\/versions\/([1-9][0-9]{0,8})$/;

/** The URN of a version: `urn:switchyard:schema:<name>:<version>`. */
export const versionUrn = (name: string, version: number): string => `${URN_PREFIX}${name}:${version}`;

/**
 * Parses a `dataschema` that points into the registry: the URN form
 * `urn:switchyard:schema:<name>:<version>` (the name may itself contain `:`; the version is
 * after the last one) or any http(s) URL whose path ends in `/v1/schemas/<name>/versions/<n>`,
 * optionally with `?source=<scope>`. Anything else → undefined (the event is then matched by type).
 */
export function parseDataschema(dataschema: string): VersionRef | undefined {
  if (dataschema.startsWith(URN_PREFIX)) {
    const rest = dataschema.slice(URN_PREFIX.length);
    const colon = rest.lastIndexOf(':');
    const v = rest.slice(colon + 1);
    if (colon <= 0 || !/^[1-9][0-9]{0,8}$/.test(v)) return undefined;
    return { name: rest.slice(0, colon), source: undefined, version: Number(v) };
  }
  if (!dataschema.startsWith('http://') && !dataschema.startsWith('https://')) return undefined;
  let url: URL;
  try {
    url = new URL(dataschema);
  } catch {
    return undefined;
  }
  const m = URL_PATH.exec(url.pathname);
  if (m === null) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  const source = url.searchParams.get('source');
  return { name, source: source ?? undefined, version: Number(m[2]) };
}
