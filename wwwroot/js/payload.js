// Payloads as people type and read them: hex parsing, spaced hex, and text with control characters
// made visible.

/**
 * Checks typed hex the way the server reads it (pairs of digits; spaces, '-', ':' between bytes).
 * Returns { ok, bytes, error }.
 */
export function parseHex(input) {
  const digits = input.replace(/[\s:-]/g, '');
  if (digits.length === 0) return { ok: false, bytes: 0, error: 'Type some hex digits, for example 48 65 6C 6C 6F.' };
  if (/[^0-9a-f]/i.test(digits)) return { ok: false, bytes: 0, error: 'Hex may contain only 0-9 and a-f, with spaces, “-” or “:” between bytes.' };
  if (digits.length % 2 !== 0) return { ok: false, bytes: 0, error: `Hex needs an even number of digits (got ${digits.length}).` };
  return { ok: true, bytes: digits.length / 2, error: null };
}

/** "48656C" → "48 65 6C". */
export function spacedHex(hex) {
  return hex.replace(/(..)(?!$)/g, '$1 ');
}

/** Shows control characters as their Unicode pictures (␀ ␍ ␊ …) so nothing invisible hides in a frame. */
export function visibleText(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, (c) => (c === '\u007F' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))))
    .replace(/\n/g, '\u240A')
    .replace(/\t/g, '\u2409 ');
}

/** UTF-8 byte length of text, as the server will encode it. */
export const utf8Length = (text) => new TextEncoder().encode(text).length;
