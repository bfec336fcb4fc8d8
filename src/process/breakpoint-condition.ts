// Conditions on step breakpoints, written in the Breakpoints view: comparisons of document properties such as
// `sfid.originator == O0013OEMAUTO`, `size > 1000000`, `document.type matches ^INV`, joined by && or ||.
// A bare property name holds when the document has it.

export type BreakpointCondition =
  | { kind: 'compare'; property: string; operator: Operator; value: string }
  | { kind: 'exists'; property: string }
  | { kind: 'and' | 'or'; parts: BreakpointCondition[] };

type Operator = '==' | '!=' | '>' | '<' | '>=' | '<=' | 'contains' | 'startsWith' | 'endsWith' | 'matches';

const OPERATORS: Operator[] = ['==', '!=', '>=', '<=', '>', '<'];
const WORD_OPERATORS: Operator[] = ['contains', 'startsWith', 'endsWith', 'matches'];

function unquote(v: string): string {
  const t = v.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

export function parseBreakpointCondition(text: string): BreakpointCondition {
  const or = text.split('||');
  if (or.length > 1) return { kind: 'or', parts: or.map(parseBreakpointCondition) };
  const and = text.split('&&');
  if (and.length > 1) return { kind: 'and', parts: and.map(parseBreakpointCondition) };
  const t = text.trim();
  for (const op of WORD_OPERATORS) {
    const m = new RegExp(`^(\\S+)\\s+${op}\\s+(.+)$`).exec(t);
    if (m) {
      if (op === 'matches') {
        try {
          new RegExp(unquote(m[2]!));
        } catch (e) {
          throw new Error(`condition "${t}": ${(e as Error).message}`);
        }
      }
      return { kind: 'compare', property: m[1]!, operator: op, value: unquote(m[2]!) };
    }
  }
  for (const op of OPERATORS) {
    const i = t.indexOf(op);
    if (i > 0) return { kind: 'compare', property: t.slice(0, i).trim(), operator: op, value: unquote(t.slice(i + op.length)) };
  }
  if (/^[\w.-]+$/.test(t)) return { kind: 'exists', property: t };
  throw new Error(`condition "${t}" is not understood: write PROPERTY OPERATOR VALUE (==, !=, >, <, >=, <=, contains, startsWith, endsWith, matches), joined by && or ||`);
}

export function conditionHolds(c: BreakpointCondition, properties: Record<string, string | undefined>): boolean {
  switch (c.kind) {
    case 'and':
      return c.parts.every((p) => conditionHolds(p, properties));
    case 'or':
      return c.parts.some((p) => conditionHolds(p, properties));
    case 'exists':
      return properties[c.property] !== undefined && properties[c.property] !== '';
    case 'compare': {
      const actual = properties[c.property];
      if (actual === undefined) return c.operator === '!=';
      const numeric = actual.trim() !== '' && c.value.trim() !== '' && !Number.isNaN(Number(actual)) && !Number.isNaN(Number(c.value));
      const [a, b] = numeric ? [Number(actual), Number(c.value)] : [actual, c.value];
      switch (c.operator) {
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '>':
          return a > b;
        case '<':
          return a < b;
        case '>=':
          return a >= b;
        case '<=':
          return a <= b;
        case 'contains':
          return actual.includes(c.value);
        case 'startsWith':
          return actual.startsWith(c.value);
        case 'endsWith':
          return actual.endsWith(c.value);
        case 'matches':
          return new RegExp(c.value).test(actual);
      }
    }
  }
}
