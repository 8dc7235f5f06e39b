/**
 * The one rule for human-readable text (names of payers, units, items, departments ...), shared
 * by the chaincode and the API. Lengths count Unicode code points, everywhere.
 */

/** C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F), line and paragraph separators. */
const CONTROL = /^(?:\p{Cc}|[\u2028\u2029])$/u;
/** Bidirectional controls: ALM, LRM, RLM, the embeddings and overrides, the isolates. */
const BIDI_CONTROL = /^[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]$/u;
/** A surrogate code unit without its partner (iteration by code points yields it alone). */
const LONE_SURROGATE = /^\p{Cs}$/u;

/** The number of Unicode code points of `text`. */
export function textLength(text: string): number {
  return Array.from(text).length;
}

function forbiddenKind(char: string): string | undefined {
  if (CONTROL.test(char)) return 'control characters';
  if (BIDI_CONTROL.test(char)) return 'bidirectional controls';
  if (LONE_SURROGATE.test(char)) return 'lone surrogates';
  return undefined;
}

function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first forbidden character of `text`, described, or undefined. */
function forbiddenCharacter(text: string): string | undefined {
  let position = 0;
  for (const char of text) {
    position += 1;
    const kind = forbiddenKind(char);
    if (kind !== undefined) return `must not contain ${kind} (${codePointLabel(char)} at character ${position})`;
  }
  return undefined;
}

/**
 * Human-readable text: `min..max` code points; no control characters, bidirectional controls or
 * lone surrogates; no white space at either end. Returns the problem, or undefined.
 */
export function textProblem(text: string, min: number, max: number): string | undefined {
  const length = textLength(text);
  if (length < min || length > max) return `must be ${min}..${max} characters long, got ${length}`;
  const forbidden = forbiddenCharacter(text);
  if (forbidden !== undefined) return forbidden;
  return text.trim() === text ? undefined : 'must not start or end with white space';
}

/** The rule in words, for API documentation. */
export function textRuleDescription(min: number, max: number): string {
  return (
    `${min}..${max} characters (Unicode code points); no control characters, bidirectional controls ` +
    'or lone surrogates; no white space at either end'
  );
}

const FORBIDDEN_RANGES =
  '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff';
/** White space `String.prototype.trim` removes, spelled out so other regex dialects read it alike. */
const EDGE_SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/**
 * The text rule as a regular expression for API descriptions (JSON Schema `pattern`): no forbidden
 * character anywhere, no white space at either end. Lengths are left to minLength/maxLength, which
 * count code points as the rule does. Surrogate pairs are allowed by the rule; the pattern's
 * surrogate range speaks of lone surrogates in dialects that match code points.
 */
export const TEXT_PATTERN = `^[^${EDGE_SPACE}${FORBIDDEN_RANGES}](?:[^${FORBIDDEN_RANGES}]*[^${EDGE_SPACE}${FORBIDDEN_RANGES}])?$`;
