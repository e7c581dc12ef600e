/** The row id a delivery id (or dead-letter cursor) stands for: its decimal text; undefined for any other text. */
export function rowId(id: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}
