const UNITS = 1024;
const SHORT = 8;

/**
 * A file's text as the file parser receives it. Streams in 1-character pieces would cost an array
 * slot and a string each; single characters go into a code-unit buffer instead, turned into one
 * string per 1,024.
 */
export class TextCollector {
  private parts: string[] = [];
  private readonly units = new Uint16Array(UNITS);
  private count = 0;
  private surrogates = false;

  add(text: string): void {
    if (text.length === 1) {
      this.addUnit(text.charCodeAt(0));
    } else if (text.length <= SHORT && this.count > 0) {
      // A few characters among single ones (a line's start held back): keep them in the buffer too.
      for (let i = 0; i < text.length; i++) this.addUnit(text.charCodeAt(i));
    } else if (text.length > 0) {
      if (this.count > 0) this.flushUnits();
      this.parts.push(text);
    }
  }

  addUnit(unit: number): void {
    // Kept tiny so that it is inlined into the parser's per-piece path.
    if (this.count !== UNITS && (unit & 0xf800) !== 0xd800) this.units[this.count++] = unit;
    else this.addUnitRarely(unit);
  }

  private addUnitRarely(unit: number): void {
    if (this.count === UNITS) this.flushUnits();
    if ((unit & 0xf800) === 0xd800) this.surrogates = true;
    this.units[this.count++] = unit;
  }

  /** Everything collected, as one string; the collector is empty afterwards. */
  take(): string {
    if (this.count > 0) this.flushUnits();
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    return text;
  }

  clear(): void {
    this.parts = [];
    this.count = 0;
    this.surrogates = false;
  }

  private flushUnits(): void {
    const units = this.units.subarray(0, this.count);
    // The decoder is the fast way, but it would replace a surrogate half (a pair split across two
    // flushes, or a lone one the model sent) with U+FFFD; fromCharCode keeps every unit as it came.
    this.parts.push(
      this.surrogates ? String.fromCharCode.apply(null, units as unknown as number[]) : UTF16.decode(units),
    );
    this.count = 0;
    this.surrogates = false;
  }
}

// ignoreBOM: a U+FEFF at the start of a piece is content, not a marker to drop.
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });
