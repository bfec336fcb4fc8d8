// Where steps are in a process file's text: the offset range of a step by id, and the step that holds a given
// offset. Breakpoints on steps are source breakpoints on these lines; the editor reveals steps with them.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';

export interface StepLocation {
  id: string;
  /** Offset and length of the step's object in the text. */
  offset: number;
  length: number;
}

/** Every step of the text (start first, then steps[] in order) with its place. Empty when unparseable. */
export function stepLocations(text: string): StepLocation[] {
  const root = parseTree(text);
  if (!root) return [];
  const nodes: Array<Node | undefined> = [findNodeAtLocation(root, ['start']), ...(findNodeAtLocation(root, ['steps'])?.children ?? [])];
  const out: StepLocation[] = [];
  for (const node of nodes) {
    const id = node && findNodeAtLocation(node, ['id'])?.value;
    if (node && typeof id === 'string') out.push({ id, offset: node.offset, length: node.length });
  }
  return out;
}

export function locateStep(text: string, id: string): StepLocation | undefined {
  return stepLocations(text).find((s) => s.id === id);
}

/** The step whose object overlaps [from, to] (a line of text), innermost first. */
export function stepAtRange(text: string, from: number, to: number): string | undefined {
  return stepLocations(text).find((s) => s.offset <= to && from <= s.offset + s.length)?.id;
}

/** 0-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offsets of the start and end of a 0-based line. */
export function lineRange(text: string, line: number): { from: number; to: number } | undefined {
  let from = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', from);
    if (nl < 0) return undefined;
    from = nl + 1;
  }
  const nl = text.indexOf('\n', from);
  return { from, to: nl < 0 ? text.length : nl };
}

/** The step on a 0-based line of the text (a breakpoint's line), if any. */
export function stepAtLine(text: string, line: number): string | undefined {
  const r = lineRange(text, line);
  return r ? stepAtRange(text, r.from, r.to) : undefined;
}
