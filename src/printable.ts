/**
 * Text from outside (a backup selector, a label, a file name, a command
 * line, a manifest read from disk) made safe to print on a terminal: ESC
 * (so CSI and OSC sequences), the other C0 and C1 controls, DEL, and the
 * characters that reorder or break lines (bidi overrides, U+2028/2029) are
 * shown as escapes (`\x1b`, `\u202e`) instead of acting on the terminal.
 * With `lineBreaks`, newlines and tabs stay: for whole messages whose
 * layout is dbsafe's own. Pure.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string, options: { lineBreaks?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (char) => {
    if (options.lineBreaks && (char === '\n' || char === '\t')) return char;
    const code = char.charCodeAt(0);
    return NAMED[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
