/**
 * A JSON number kept as its literal text. The lossless parser (json-text.ts) produces it for
 * literals that are not exact doubles (see number.ts), so a parsed event or pattern can still
 * carry `9007199254740993` faithfully; exact literals become plain JS numbers.
 */
export class RawNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
