// Automatic layout of a process diagram: a layered (Sugiyama) layout with dagre, ranks following the
// connections from the Start step, for the editor's "Arrange" and for steps a file gives no position.
// Pure and deterministic: the same process always gives the same integer positions.
import type * as Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import { outputsOf, type Connection, type Position, type ProcessFile, type Step } from './model';

// dagre ships ESM type declarations beside its CommonJS build; we compile to CommonJS, so the types come in
// as a type-only import and the code through require (esbuild bundles the CommonJS build).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dagre = require('@dagrejs/dagre') as typeof Dagre;

export interface LayoutOptions {
  /** LR: ranks run left to right (the default, like Boomi's canvas); TB: top to bottom. */
  direction?: 'LR' | 'TB';
  /** The size of a step's box on the canvas; positions are the boxes' top-left corners. */
  nodeWidth?: number;
  nodeHeight?: number;
}

/** The size of a step's box the layout assumes unless told otherwise. */
export const DEFAULT_NODE_SIZE: Readonly<{ width: number; height: number }> = { width: 180, height: 72 };

/** Where the diagram starts (the canvas leaves room for the minimap and the toolbar). */
const ORIGIN = 40;

/**
 * Positions (top-left corners) for the Start step and every processing step, by id. Steps reachable from
 * the Start step are laid out in ranks along the connections, outputs in the order outputsOf gives them;
 * steps nothing reaches get their own layered layout after them (below for LR, to the right for TB).
 */
export function layoutProcess(process: ProcessFile, options: LayoutOptions = {}): Record<string, Position> {
  const direction = options.direction ?? 'LR';
  const width = options.nodeWidth ?? DEFAULT_NODE_SIZE.width;
  const height = options.nodeHeight ?? DEFAULT_NODE_SIZE.height;
  const steps = uniqueSteps(process);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const connections = (Array.isArray(process.connections) ? process.connections : []).filter(
    (c): c is Connection => !!c && byId.has(c.from) && byId.has(c.to) && c.from !== c.to,
  );

  // Breadth-first from the Start step, outputs in outputsOf order, so that dagre's initial ordering (node
  // and edge insertion order) puts a decision's "true" above its "false", a route's routes in their order.
  const reachable: string[] = [];
  const edges: Array<[string, string]> = [];
  const seen = new Set<string>();
  const start = process.start && byId.get(process.start.id) === process.start ? process.start.id : undefined;
  if (start !== undefined) {
    seen.add(start);
    reachable.push(start);
    for (let i = 0; i < reachable.length; i++) {
      const from = reachable[i]!;
      for (const c of outgoing(byId.get(from)!, connections)) {
        edges.push([from, c.to]);
        if (!seen.has(c.to)) {
          seen.add(c.to);
          reachable.push(c.to);
        }
      }
    }
  }
  // The rest keeps file order; their edges among themselves still give them ranks.
  const rest = steps.map((s) => s.id).filter((id) => !seen.has(id));
  const restSet = new Set(rest);
  const restEdges: Array<[string, string]> = [];
  for (const id of rest) for (const c of outgoing(byId.get(id)!, connections)) if (restSet.has(c.to)) restEdges.push([id, c.to]);

  const result: Record<string, Position> = {};
  const main = layered(reachable, edges, siblingOrder(reachable, edges), direction, width, height);
  const after = layered(rest, restEdges, siblingOrder(rest, restEdges), direction, width, height);
  // The second band starts one rank gap beyond the first in the cross direction.
  const gap = direction === 'LR' ? height : width;
  const shift = main.extent > 0 ? main.extent + gap : 0;
  for (const [id, p] of Object.entries(main.positions)) result[id] = { x: ORIGIN + p.x, y: ORIGIN + p.y };
  for (const [id, p] of Object.entries(after.positions)) {
    result[id] = direction === 'LR' ? { x: ORIGIN + p.x, y: ORIGIN + shift + p.y } : { x: ORIGIN + shift + p.x, y: ORIGIN + p.y };
  }
  return result;
}

/** The Start step and the processing steps with a string id, the first of duplicate ids only. */
function uniqueSteps(process: ProcessFile): Step[] {
  const all: unknown[] = [process.start, ...(Array.isArray(process.steps) ? process.steps : [])];
  const seen = new Set<string>();
  const out: Step[] = [];
  for (const s of all) {
    if (!s || typeof s !== 'object' || typeof (s as Step).id !== 'string' || seen.has((s as Step).id)) continue;
    seen.add((s as Step).id);
    out.push(s as Step);
  }
  return out;
}

/** Connections leaving a step: its declared outputs in order, then any other output (file order). */
function outgoing(step: Step, connections: Connection[]): Connection[] {
  const mine = connections.filter((c) => c.from === step.id);
  let outputs: string[] = [];
  try {
    outputs = outputsOf(step);
  } catch {
    // A step with settings the model does not expect (e.g. routes missing) simply has no declared order.
  }
  const rank = (c: Connection) => {
    const i = outputs.indexOf(c.output);
    return i < 0 ? outputs.length : i;
  };
  // Array.prototype.sort is stable, so equal ranks keep file order.
  return mine.sort((a, b) => rank(a) - rank(b));
}

/**
 * Order constraints "the target of an earlier output comes before (above) the target of a later one",
 * between consecutive targets of each step. dagre keeps them while it reduces crossings; a pair that would
 * contradict earlier ones (a cycle in the constraint graph) is left out so the constraints stay satisfiable.
 */
function siblingOrder(ids: string[], edges: Array<[string, string]>): Dagre.OrderConstraint[] {
  const targets = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [v, w] of edges) {
    const list = targets.get(v)!;
    if (!list.includes(w)) list.push(w);
  }
  const after = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const visited = new Set<string>();
    while (stack.length) {
      const n = stack.pop()!;
      if (n === to) return true;
      if (visited.has(n)) continue;
      visited.add(n);
      for (const m of after.get(n) ?? []) stack.push(m);
    }
    return false;
  };
  const constraints: Dagre.OrderConstraint[] = [];
  for (const id of ids) {
    const list = targets.get(id)!;
    for (let i = 1; i < list.length; i++) {
      const left = list[i - 1]!;
      const right = list[i]!;
      if (reaches(left, right) || reaches(right, left)) continue;
      if (!after.has(left)) after.set(left, new Set());
      after.get(left)!.add(right);
      constraints.push({ left, right });
    }
  }
  return constraints;
}

/**
 * Ranks as early as possible along the connections (longest path from the sources), instead of dagre's
 * network simplex, which pulls a step towards its successors: a step then sits one rank after the step
 * that leads to it, as people draw it. dagre hands the ranker an acyclic graph with edge minlen set.
 */
function earliestRanks(g: Dagre.graphlib.Graph<Dagre.GraphLabel, Dagre.NodeLabel, Dagre.EdgeLabel>): void {
  const indegree = new Map<string, number>();
  for (const v of g.nodes()) indegree.set(v, (g.inEdges(v) ?? []).length);
  const queue = g.nodes().filter((v: string) => indegree.get(v) === 0);
  for (const v of g.nodes()) g.node(v).rank = 0;
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const e of g.outEdges(v) ?? []) {
      const minlen = g.edge(e).minlen ?? 1;
      g.node(e.w).rank = Math.max(g.node(e.w).rank!, g.node(v).rank! + minlen);
      indegree.set(e.w, indegree.get(e.w)! - 1);
      if (indegree.get(e.w) === 0) queue.push(e.w);
    }
  }
}

/** One dagre run; positions relative to (0, 0) and the band's size across the ranks. */
function layered(
  ids: string[],
  edges: Array<[string, string]>,
  constraints: Dagre.OrderConstraint[],
  direction: 'LR' | 'TB',
  width: number,
  height: number,
): { positions: Record<string, Position>; extent: number } {
  const positions: Record<string, Position> = {};
  if (ids.length === 0) return { positions, extent: 0 };
  const g = new dagre.graphlib.Graph<Dagre.GraphLabel, Dagre.NodeLabel, Dagre.EdgeLabel>();
  // Gaps chosen so that default-size boxes sit 240 apart along the ranks and 120 across, as in the examples.
  g.setGraph({
    rankdir: direction,
    nodesep: direction === 'LR' ? 48 : 60,
    ranksep: 60,
    marginx: 0,
    marginy: 0,
    // The declared type lists only the built-in rankers; dagre calls a function in their place.
    ranker: earliestRanks as unknown as 'longest-path',
  });
  for (const id of ids) g.setNode(id, { width, height });
  for (const [v, w] of edges) if (!g.hasEdge(v, w)) g.setEdge(v, w, {});
  dagre.layout(g, { constraints });
  let minX = Infinity;
  let minY = Infinity;
  for (const id of ids) {
    const n = g.node(id);
    minX = Math.min(minX, n.x! - width / 2);
    minY = Math.min(minY, n.y! - height / 2);
  }
  let extent = 0;
  for (const id of ids) {
    const n = g.node(id);
    const p = { x: Math.round(n.x! - width / 2 - minX), y: Math.round(n.y! - height / 2 - minY) };
    positions[id] = p;
    extent = Math.max(extent, direction === 'LR' ? p.y + height : p.x + width);
  }
  return { positions, extent };
}
