/**
 * What counts as text anywhere in the registry: well-formed Unicode without control characters.
 * PostgreSQL's text and jsonb cannot hold U+0000 nor a lone surrogate (a NUL in a skill title was a 500),
 * and no field of the registry means a control character. Free text (case notes) may also hold tabs and
 * line breaks. The request validator applies this to every string of every document; what arrives
 * another way (a bulk import's rows) is checked with the same function.
 */
// Control characters are what these look for.
// eslint-disable-next-line no-control-regex
const SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` is not acceptable text, or undefined when it is. */
export function textFault(text: string, multiline = false): string | undefined {
  const control = (multiline ? MULTI_LINE : SINGLE_LINE).exec(text);
  if (control) {
    const codePoint = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `must not contain control characters (found ${codePoint}${multiline ? '; only tabs and line breaks are allowed' : ''})`;
  }
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (found a lone surrogate)';
  return undefined;
}
