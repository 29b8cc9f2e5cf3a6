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

/**
 * Wireshark's layout: one line per 16 bytes, the offset, the bytes in hex (a wider gap after the eighth)
 * and the same bytes as ASCII, with a dot for every byte that is not printable ASCII.
 * "48656C6C6F" → "0000  48 65 6C 6C 6F  …  Hello".
 */
export function hexDump(hex) {
  const count = Math.floor(hex.length / 2);
  const digits = count > 0xffff ? 8 : 4;
  const lines = [];
  for (let start = 0; start < count; start += 16) {
    const end = Math.min(count, start + 16);
    let bytesText = '';
    let ascii = '';
    for (let i = start; i < start + 16; i++) {
      if (i === start + 8) bytesText += ' ';
      if (i >= end) {
        bytesText += '   ';
        continue;
      }

      const pair = hex.slice(i * 2, i * 2 + 2).toUpperCase();
      bytesText += `${pair} `;
      const code = parseInt(pair, 16);
      ascii += code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '.';
    }

    lines.push(`${start.toString(16).toUpperCase().padStart(digits, '0')}  ${bytesText} ${ascii}`);
  }

  return lines.join('\n');
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
