// Reads process and partner group files as JSON trees that remember where every value is, so each
// diagnostic can point at the exact line and column; also maps JSON paths and string offsets to ranges.
import { readFile } from 'node:fs/promises';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Diagnostic, Range } from './diagnostics';
import type { PartnerGroupFile, ProcessFile } from './model';

export type JsonPath = Array<string | number>;

export interface ParsedFile<T> {
  /** Set when the text is well-formed JSON with an object at the top (not yet checked against the schema). */
  value?: T;
  root?: Node;
  diagnostics: Diagnostic[];
}

export interface ParsedProcess {
  process?: ProcessFile;
  root?: Node;
  diagnostics: Diagnostic[];
}

const PARSE_ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' (or the end of the object or array)",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string (control characters must be escaped)',
};

/** Offsets of line starts; a line ends at \n, \r\n or a lone \r, as VS Code counts. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 10 || c === 13) this.starts.push(i + 1);
    }
  }
  position(offset: number): { line: number; character: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }
  range(offset: number, length: number): Range {
    return { start: this.position(offset), end: this.position(offset + length) };
  }
}

const lineMaps = new WeakMap<Node, LineMap>();

/** The line map of the text a tree came from (cached on the tree's root). */
export function lineMapOf(root: Node, text: string): LineMap {
  let m = lineMaps.get(root);
  if (!m) {
    m = new LineMap(text);
    lineMaps.set(root, m);
  }
  return m;
}

function parseJson<T>(raw: string, file: string): ParsedFile<T> {
  // A byte-order mark is not part of the JSON (VS Code hides it too), but offsets must stay right: blank it.
  const text = raw.charCodeAt(0) === 0xfeff ? ` ${raw.slice(1)}` : raw;
  const errors: ParseError[] = [];
  // Strict JSON: the runtime reads these files with JSON.parse, which knows no comments or trailing commas.
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const lines = new LineMap(text);
  // One report per position: the parser often adds a follow-up error at the same place.
  const firstAt = errors.filter((e, i) => errors.findIndex((o) => o.offset === e.offset) === i);
  const diagnostics: Diagnostic[] = firstAt.map((e) => ({
    file,
    range: lines.range(e.offset, Math.max(e.length, 1)),
    severity: 'error',
    code: 'json-syntax',
    message: PARSE_ERROR_TEXT[printParseErrorCode(e.error)] ?? printParseErrorCode(e.error),
  }));
  if (root) lineMaps.set(root, lines);
  if (root && !errors.length) diagnostics.push(...duplicateKeys(root, file, lines));
  if (!root || errors.length) return { ...(root ? { root } : {}), diagnostics };
  if (root.type !== 'object') {
    diagnostics.push({ file, range: lines.range(root.offset, 1), severity: 'error', code: 'schema', message: `the file must hold a JSON object, not ${root.type === 'array' ? 'an array' : `a ${root.type}`}` });
    return { root, diagnostics };
  }
  return { value: getNodeValue(root) as T, root, diagnostics };
}

function duplicateKeys(root: Node, file: string, lines: LineMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (n: Node): void => {
    if (n.type === 'object') {
      const seen = new Map<string, Node>();
      for (const p of n.children ?? []) {
        const key = p.children?.[0];
        if (!key) continue;
        const first = seen.get(key.value as string);
        if (first) {
          const at = lines.position(first.offset);
          out.push({ file, range: lines.range(key.offset, key.length), severity: 'error', code: 'duplicate-key', message: `property '${key.value}' appears twice in this object (first on line ${at.line + 1}); only one may stay` });
        } else seen.set(key.value as string, key);
      }
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(root);
  return out;
}

export function parseProcessText(text: string, file: string): ParsedProcess {
  const r = parseJson<ProcessFile>(text, file);
  return { ...(r.value ? { process: r.value } : {}), ...(r.root ? { root: r.root } : {}), diagnostics: r.diagnostics };
}

export function parsePartnerGroupText(text: string, file: string): ParsedFile<PartnerGroupFile> {
  return parseJson<PartnerGroupFile>(text, file);
}

/** The node at a path, or the deepest existing node on the way there (so a missing property points at its parent). */
export function nodeAt(root: Node, path: JsonPath): { node: Node; exact: boolean } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? root : findNodeAtLocation(root, path.slice(0, n));
    if (node) return { node, exact: n === path.length };
  }
  return { node: root, exact: false };
}

/**
 * The range of the value at `path`. With `prefer: 'key'` (or when the value is an object or array, whose
 * range would cover many lines) the property's key when it has one; an array element's object gets its
 * opening brace. A path that does not exist maps to the nearest existing parent.
 */
export function rangeOf(root: Node, path: JsonPath, text: string, prefer: 'value' | 'key' = 'value'): Range {
  const lines = lineMapOf(root, text);
  const { node } = nodeAt(root, path);
  const key = node.parent?.type === 'property' && node.parent.children?.[1] === node ? node.parent.children[0] : undefined;
  if (key && (prefer === 'key' || node.type === 'object' || node.type === 'array')) return lines.range(key.offset, key.length);
  if (node.type === 'object' || node.type === 'array') return lines.range(node.offset, 1);
  return lines.range(node.offset, node.length);
}

/**
 * The range of characters [from, to) of a string value's decoded content, mapped back through escapes to
 * the JSON text, so a placeholder inside a string gets its exact column.
 */
export function rangeInString(root: Node, path: JsonPath, text: string, from: number, to: number): Range {
  const { node, exact } = nodeAt(root, path);
  if (!exact || node.type !== 'string') return rangeOf(root, path, text);
  const raw = text.slice(node.offset, node.offset + node.length);
  // rawIndex[i] = offset in `raw` where decoded character i starts; one extra entry for the end.
  const rawIndex: number[] = [];
  let i = 1;
  while (i < raw.length - 1) {
    rawIndex.push(i);
    if (raw[i] === '\\') i += raw[i + 1] === 'u' ? 6 : 2;
    else i++;
  }
  rawIndex.push(raw.length - 1);
  const a = rawIndex[Math.min(from, rawIndex.length - 1)]!;
  const b = rawIndex[Math.min(to, rawIndex.length - 1)]!;
  return lineMapOf(root, text).range(node.offset + a, b - a);
}

export async function loadProcessFile(path: string): Promise<ParsedProcess & { text: string }> {
  const text = await readFile(path, 'utf8');
  return { ...parseProcessText(text, path), text };
}

export async function loadPartnerGroup(path: string): Promise<ParsedFile<PartnerGroupFile> & { text: string }> {
  const text = await readFile(path, 'utf8');
  return { ...parsePartnerGroupText(text, path), text };
}
