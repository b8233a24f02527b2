/**
 * Text from outside (model-chosen paths, server messages, test output, file names) may hold escape
 * sequences that move the cursor, rewrite earlier lines, retitle the window or set the clipboard
 * (OSC 52). Every line a front end prints or logs goes through `safeText` first.
 */
import { stripVTControlCharacters } from 'node:util';

// C0 controls except tab and newline, DEL, C1 controls (0x80–0x9f, e.g. CSI as one character), and
// the characters that reorder or hide text: bidirectional overrides/isolates, zero-width ones, the
// soft hyphen, the grapheme joiner, Hangul and Khmer fillers, line and paragraph separators,
// interlinear annotation marks and the tag characters (U+E0000–U+E007F).
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/** Escapes control and invisible characters as `\x1b` / `\u202e`; tabs and newlines stay. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** As safeText, and newlines and tabs too: for one value inside one line (a path, a name). */
export function safeInline(text: string): string {
  return text.replace(/[\t\n]/g, escapeChar).replace(UNSAFE, escapeChar);
}

/** True when the text holds a character safeText would escape. */
export function hasUnsafeChars(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (code > 0xffff) return `\\u{${code.toString(16)}}`;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * JSON for a terminal or a log: JSON.stringify escapes C0 controls but leaves C1 (U+009B is CSI to
 * some terminals), DEL and the bidirectional and zero-width characters raw; they become `\u009b`,
 * which is still the same JSON value.
 */
export function safeJson(value: unknown): string {
  // Each UTF-16 unit on its own, so a tag character becomes its escaped surrogate pair.
  return JSON.stringify(value).replace(UNSAFE, (c) =>
    [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

/**
 * Escape sequences removed the way a terminal acts on them, keeping the text they show: colours,
 * cursor moves and window titles go, an OSC 8 hyperlink keeps its text and loses its address.
 * Output without an escape (most of it) is returned as it is, without a pass of the pattern.
 */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') || text.includes('\u009b') ? stripVTControlCharacters(text) : text;
}

/** Test output as it streams: escape sequences dropped (their text kept), CRLF as lines, the rest as safeText. */
export function safeStream(text: string): string {
  return safeText(stripAnsi(text).replace(/\r\n/g, '\n'));
}
