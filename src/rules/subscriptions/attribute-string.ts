/**
 * The String form of a context attribute for exact / prefix / suffix (which compare Strings):
 * a string as is, a Boolean as `true` / `false`, an Integer in base 10 — the canonical forms of
 * the CloudEvents type system, the same as CESQL's casts to String.
 *
 * Absent (undefined, JSON null), `data`/`data_base64` and values that are not attribute values
 * (objects, arrays) give undefined: no condition on them can hold.
 */
export function attributeString(event: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (name === 'data' || name === 'data_base64' || !Object.hasOwn(event, name)) return undefined;
  const value = event[name];
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
    case 'number':
      return String(value);
    default:
      return undefined;
  }
}
