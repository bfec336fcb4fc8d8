// Checks process files and partner group files before anything runs: JSON syntax, the schema (with readable
// messages), Odette IDs, secrets, the step graph, patterns, templates, certificates, and the workspace-wide
// listener rule that no two processes share a partner's (Odette ID, password). Every diagnostic points at
// the exact line and column of the value at fault.
import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import type { Node } from 'jsonc-parser';
import { checkCertificate, type CertificateRole, type ReadFile, type SecretResolver } from './certificates';
import { DIAGNOSTIC_CODES, compareDiagnostics, type Diagnostic, type DiagnosticCode, type Range, type Severity } from './diagnostics';
import { parseProcessText, rangeInString, rangeOf, type JsonPath } from './load';
import { DOCUMENT_PROPERTIES, END_STEP_TYPES, SCHEMA_VERSION, outputsOf, type PartnerGroupFile, type ProcessFile, type Step } from './model';
import { OPERATION_DEFAULTS, partnersValidator, processValidator } from './schema';

export interface ValidateOptions {
  /** Reads certificate and partner group files (default: from disk). */
  readFile?: ReadFile;
  /** The time certificates are checked against (default: now). */
  now?: Date;
  /** Gives secret values: passwords are then checked for length and compared by value across processes. */
  resolveSecret?: SecretResolver;
  /** Read certificate and partner group files. Off by default so validation on each keystroke stays fast. */
  checkFiles?: boolean;
}

export interface WorkspaceFile {
  file: string;
  text: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const q = (s: unknown): string => `'${String(s)}'`;

/** Collects one file's diagnostics, turning JSON paths into ranges. */
class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string, readonly text: string, readonly root: Node | undefined, private readonly stepIdOf: (path: JsonPath) => string | undefined = () => undefined) {}
  range(path: JsonPath, prefer: 'value' | 'key' = 'value'): Range {
    return this.root ? rangeOf(this.root, path, this.text, prefer) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  }
  add(code: DiagnosticCode, path: JsonPath, message: string, o: { severity?: Severity; prefer?: 'value' | 'key'; range?: Range; stepId?: string } = {}): void {
    const stepId = o.stepId ?? this.stepIdOf(path);
    this.diagnostics.push({
      file: this.file,
      range: o.range ?? this.range(path, o.prefer),
      severity: o.severity ?? DIAGNOSTIC_CODES[code].severity,
      code,
      message,
      ...(stepId !== undefined ? { stepId } : {}),
    });
  }
  lineOf(path: JsonPath): number {
    return this.range(path).start.line + 1;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Odette IDs

/** What is wrong with an Odette ID (RFC 5024 §5.4), or undefined when nothing is. */
export function odetteIdProblem(id: string): { code: 'odette-id' | 'odette-id-not-odette'; message: string } | undefined {
  const bad = (m: string) => ({ code: 'odette-id' as const, message: `Odette ID ${q(id)} ${m}` });
  if (id.length === 0) return { code: 'odette-id', message: 'the Odette ID is empty' };
  if (id.length > 25) return bad(`is ${id.length} characters long; an Odette ID has at most 25 (O + 4-digit ICD + organisation code up to 14 + sub-address up to 6)`);
  const space = id.indexOf(' ');
  if (space >= 0) return bad(`has a space at position ${space + 1}; write Odette IDs without spaces (the session pads them to 25)`);
  if (/[a-z]/.test(id)) return bad(`has lower-case letters; Odette IDs are upper case (${q(id.toUpperCase())})`);
  const invalid = /[^A-Z0-9/\-.&()]/.exec(id);
  if (invalid) return bad(`has ${q(invalid[0])} at position ${invalid.index + 1}; allowed are A-Z 0-9 / - . & ( )`);
  if (!/^.[0-9]{4}/.test(id)) return bad(`must have the 4-digit ICD (International Code Designator) in characters 2-5, found ${q(id.slice(1, 5))}`);
  if (id.length < 6) return bad('is too short: the organisation code must follow the first character and the 4-digit ICD');
  if (id[0] !== 'O') return { code: 'odette-id-not-odette', message: `Odette ID ${q(id)} starts with ${q(id[0])}, not 'O': it is not an ODETTE-assigned code (allowed for other code lists; check it is intended)` };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Templates

interface Placeholder {
  name: string;
  start: number;
  end: number;
  error?: string;
}

/** `${name}` placeholders of a template with their character offsets; unterminated or empty ones carry an error. */
export function placeholders(template: string): Placeholder[] {
  const out: Placeholder[] = [];
  let i = 0;
  while ((i = template.indexOf('${', i)) >= 0) {
    const close = template.indexOf('}', i + 2);
    if (close < 0) {
      out.push({ name: '', start: i, end: template.length, error: `'\${' at character ${i + 1} has no closing '}'` });
      break;
    }
    const name = template.slice(i + 2, close).trim();
    out.push({ name, start: i, end: close + 1, ...(name ? {} : { error: `empty placeholder '\${}' at character ${i + 1}` }) });
    i = close + 1;
  }
  return out;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate when it is close enough to be a typo. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

const didYouMean = (word: string, candidates: Iterable<string>): string => {
  const s = suggest(word, candidates);
  return s ? ` (did you mean ${q(s)}?)` : '';
};

// ---------------------------------------------------------------------------------------------------------
// Schema errors in plain words

function decodePointer(pointer: string, data: unknown): JsonPath {
  const path: JsonPath = [];
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      path.push(seg);
      cur = isObj(cur) ? cur[seg] : undefined;
    }
  }
  return path;
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let cur = data;
  for (const seg of path) cur = Array.isArray(cur) ? cur[seg as number] : isObj(cur) ? cur[seg as string] : undefined;
  return cur;
}

/** "step 'disk1'", "partner 'ACME'", "My Company", ... for the object a path lies in, and the rest of the path. */
function contextOf(path: JsonPath, data: unknown): { context: string; rest: JsonPath } {
  const nameOf = (v: unknown, key: string, fallback: string): string => (isObj(v) && isStr(v[key]) && v[key] ? q(v[key]) : fallback);
  const [a, b, c] = path;
  if (a === 'steps' && typeof b === 'number') return { context: `step ${nameOf(valueAt(data, path.slice(0, 2)), 'id', `#${b + 1}`)}`, rest: path.slice(2) };
  if (a === 'connections' && typeof b === 'number') {
    const v = valueAt(data, path.slice(0, 2));
    const from = isObj(v) && isStr(v.from) ? v.from : '?';
    const to = isObj(v) && isStr(v.to) ? v.to : '?';
    return { context: `connection #${b + 1} (${from} -> ${to})`, rest: path.slice(2) };
  }
  if (a === 'start' && b === 'tradingPartners' && typeof c === 'number') return { context: `partner ${nameOf(valueAt(data, path.slice(0, 3)), 'name', `#${c + 1}`)}`, rest: path.slice(3) };
  if (a === 'partners' && typeof b === 'number') return { context: `partner ${nameOf(valueAt(data, path.slice(0, 2)), 'name', `#${b + 1}`)}`, rest: path.slice(2) };
  if (a === 'start' && b === 'myCompany') return { context: 'My Company', rest: path.slice(2) };
  if (a === 'start' && b === 'operation') return { context: 'operation', rest: path.slice(2) };
  if (a === 'start') return { context: 'start step', rest: path.slice(1) };
  return { context: '', rest: path };
}

/** "'folder'", "item 2 of 'cipherSuites'", or '' for the context object itself. */
function describePath(rest: JsonPath): string {
  if (!rest.length) return '';
  const last = rest[rest.length - 1]!;
  if (typeof last === 'number') {
    const parent = rest.slice(0, -1).filter((s) => typeof s === 'string').pop();
    return parent ? `item ${last + 1} of ${q(parent)}` : `item ${last + 1}`;
  }
  return q(last);
}

const typeWords: Record<string, string> = { string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', object: 'an object', array: 'an array', null: 'null' };

function schemaAt(schema: unknown, pointer: string): unknown {
  let cur = schema;
  for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) cur = isObj(cur) ? cur[raw.replace(/~1/g, '/').replace(/~0/g, '~')] : Array.isArray(cur) ? cur[Number(raw)] : undefined;
  return cur;
}

function reportSchemaErrors(errors: ErrorObject[], data: unknown, schema: unknown, rep: Reporter): void {
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue; // the failing branch's own error says what is wrong
    const path = decodePointer(e.instancePath, data);
    const value = valueAt(data, path);
    // Odette IDs get their own, more precise check (odette-id).
    if (e.schemaPath.startsWith('#/definitions/odetteId/') && e.keyword !== 'type') continue;
    const { context, rest } = contextOf(path, data);
    const prefix = context ? `${context}: ` : '';
    const what = describePath(rest);
    let code: DiagnosticCode = 'schema';
    let message: string;
    let target = path;
    let prefer: 'value' | 'key' = 'value';
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        let alt = '';
        if (e.schemaPath.endsWith('/else/required')) {
          const cond = schemaAt(schema, e.schemaPath.replace(/\/else\/required$/, '/if'));
          const other = isObj(cond) && Array.isArray(cond.required) ? cond.required[0] : undefined;
          if (isStr(other) && other !== missing && !(isObj(cond) && cond.properties)) alt = ` (or ${q(other)})`;
        }
        message = `${prefix}${what ? `${what}: ` : ''}missing required property ${q(missing)}${alt}`;
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = isObj(e.parentSchema) && isObj(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : [];
        const hint = didYouMean(extra, allowed);
        message = `${prefix}${what ? `${what}: ` : ''}unknown property ${q(extra)}${hint || (allowed.length && allowed.length <= 10 ? ` (allowed: ${allowed.join(', ')})` : '')}`;
        target = [...path, extra];
        prefer = 'key';
        break;
      }
      case 'type': {
        if (e.schemaPath === '#/definitions/secretRef/type' && isStr(value)) {
          code = 'secret-in-clear';
          // Never repeat the value: it is a password written where only its name belongs.
          message = `${prefix}${what || 'this value'} is written in clear text; write a secret reference such as {"secret": "<name>"} and store the value in the secret store (and change it: the file may have been shared)`;
          break;
        }
        const types = String((e.params as { type: string }).type).split(',');
        message = `${prefix}${what || 'the value'} must be ${types.map((t) => typeWords[t] ?? t).join(' or ')}`;
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        const hint = isStr(value) ? didYouMean(value, allowed.map(String)) : '';
        if (path[0] === 'steps' && rest.length === 1 && rest[0] === 'type') message = `${prefix}unknown step type ${JSON.stringify(value)}${hint}; step types are ${allowed.join(', ')}`;
        else message = `${prefix}${what} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(value)}${hint}`;
        break;
      }
      case 'const':
        message = `${prefix}${what} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, not ${JSON.stringify(value)}`;
        break;
      case 'false schema': {
        const parent = path.slice(0, -1);
        const sibling = ['pkcs12', 'pattern'].find((k) => isObj(valueAt(data, parent)) && k in (valueAt(data, parent) as Obj));
        message = `${prefix}${what} cannot be used together with ${sibling ? q(sibling) : 'the other properties here'}`;
        prefer = 'key';
        break;
      }
      case 'minLength':
        message = (e.params as { limit: number }).limit === 1 ? `${prefix}${what || 'the value'} must not be empty` : `${prefix}${what} ${e.message}`;
        break;
      case 'uniqueItems':
        message = `${prefix}${what} lists the same value twice (items ${(e.params as { j: number }).j + 1} and ${(e.params as { i: number }).i + 1})`;
        break;
      default:
        message = `${prefix}${what || 'the value'} ${e.message ?? 'is not valid'}`;
    }
    const key = `${code}\0${target.join('/')}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rep.add(code, target, message, { prefer });
  }
}

// ---------------------------------------------------------------------------------------------------------
// One file

interface FileAnalysis {
  file: string;
  text: string;
  kind: 'process' | 'partners';
  rep: Reporter;
  /** Set when the file parsed and has the supported schemaVersion. */
  process?: ProcessFile;
  group?: PartnerGroupFile;
  /** Partner group this process names, resolved to an absolute path. */
  groupPath?: string;
}

function isPartnerGroupFile(file: string, value: unknown): boolean {
  return /\.oftp2-partners\.json$/i.test(file) || (isObj(value) && 'partners' in value && !('start' in value));
}

function stepIdFinder(data: unknown): (path: JsonPath) => string | undefined {
  return (path) => {
    if (path[0] === 'start') {
      const id = valueAt(data, ['start', 'id']);
      return isStr(id) ? id : undefined;
    }
    if (path[0] === 'steps' && typeof path[1] === 'number') {
      const id = valueAt(data, ['steps', path[1], 'id']);
      return isStr(id) ? id : undefined;
    }
    return undefined;
  };
}

function analyze(file: string, text: string, forceKind?: 'partners'): FileAnalysis {
  const parsed = parseProcessText(text, file);
  const value: unknown = parsed.process;
  const kind = forceKind ?? (isPartnerGroupFile(file, value) ? 'partners' : 'process');
  const rep = new Reporter(file, text, parsed.root, stepIdFinder(value));
  rep.diagnostics.push(...parsed.diagnostics);
  const a: FileAnalysis = { file, text, kind, rep };
  if (!isObj(value) || parsed.diagnostics.some((d) => d.code === 'json-syntax')) return a;
  if ('schemaVersion' in value && value.schemaVersion !== SCHEMA_VERSION) {
    rep.add('schema-version', ['schemaVersion'], `schemaVersion ${JSON.stringify(value.schemaVersion)} is not supported: this release reads version ${SCHEMA_VERSION}${typeof value.schemaVersion === 'number' && value.schemaVersion > SCHEMA_VERSION ? ' (the file was written by a newer OFTP2 Studio)' : ''}`);
    return a;
  }
  const validator = kind === 'process' ? processValidator() : partnersValidator();
  if (!validator(value)) reportSchemaErrors(validator.errors ?? [], value, validator.schema, rep);
  if (kind === 'process') {
    a.process = value as unknown as ProcessFile;
    checkProcess(a.process, rep);
    const tp = valueAt(value, ['start', 'tradingPartners']);
    if (isObj(tp) && isStr(tp.group) && tp.group) a.groupPath = resolve(dirname(file), tp.group);
  } else {
    a.group = value as unknown as PartnerGroupFile;
    checkPartners(Array.isArray(a.group.partners) ? a.group.partners : [], ['partners'], rep);
  }
  return a;
}

function checkOdette(id: unknown, path: JsonPath, rep: Reporter): void {
  if (!isStr(id)) return;
  const p = odetteIdProblem(id);
  if (p) rep.add(p.code, path, p.message);
}

function checkPartners(partners: unknown[], base: JsonPath, rep: Reporter): void {
  const seen = new Map<string, number>();
  partners.forEach((p, i) => {
    if (!isObj(p)) return;
    checkOdette(p.odetteId, [...base, i, 'odetteId'], rep);
    if (!isStr(p.odetteId)) return;
    const first = seen.get(p.odetteId);
    if (first !== undefined) rep.add('duplicate-partner', [...base, i, 'odetteId'], `partner Odette ID ${q(p.odetteId)} is listed twice (also partner #${first + 1} on line ${rep.lineOf([...base, first, 'odetteId'])}); each partner appears once`);
    else seen.set(p.odetteId, i);
  });
}

function checkPattern(pattern: unknown, path: JsonPath, what: string, rep: Reporter): void {
  if (!isStr(pattern)) return;
  // Placeholders are filled at run time; any text stands in for them when compiling.
  const probe = pattern.replace(/\$\{[^}]*\}/g, 'x');
  try {
    new RegExp(probe);
  } catch (e) {
    rep.add('invalid-pattern', path, `${what} is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`);
  }
}

function checkProcess(p: ProcessFile, rep: Reporter): void {
  const start = isObj(p.start) ? (p.start as unknown as Obj) : undefined;
  const steps: unknown[] = Array.isArray(p.steps) ? p.steps : [];
  const connections: unknown[] = Array.isArray(p.connections) ? p.connections : [];
  const op = start && isObj(start.operation) ? start.operation : {};
  const my = start && isObj(start.myCompany) ? start.myCompany : {};

  // Identities.
  if (start) {
    checkOdette(my.odetteId, ['start', 'myCompany', 'odetteId'], rep);
    if (Array.isArray(start.tradingPartners)) checkPartners(start.tradingPartners, ['start', 'tradingPartners'], rep);
    for (const list of ['originators', 'destinations'] as const) if (Array.isArray(op[list])) (op[list] as unknown[]).forEach((id, i) => checkOdette(id, ['start', 'operation', list, i], rep));
  }

  // Step ids.
  const byId = new Map<string, { step: Obj; path: JsonPath }>();
  if (start && isStr(start.id)) byId.set(start.id, { step: start, path: ['start'] });
  steps.forEach((s, i) => {
    if (!isObj(s) || !isStr(s.id)) return;
    const first = byId.get(s.id);
    if (first) rep.add('duplicate-step-id', ['steps', i, 'id'], `step id ${q(s.id)} is used twice (first on line ${rep.lineOf([...first.path, 'id'])}); step ids must be unique`);
    else byId.set(s.id, { step: s, path: ['steps', i] });
  });
  const outputs = (s: Obj): string[] => {
    if (s.type === 'route' && !Array.isArray(s.routes)) return ['default'];
    if (s.type === 'route') return outputsOf({ ...(s as unknown as Step), routes: (s.routes as unknown[]).filter(isObj) } as Step);
    // Unknown step types (already reported by the schema) have no outputs.
    return outputsOf(s as unknown as Step) ?? [];
  };

  // Connections.
  const edges = new Map<string, Set<string>>();
  const connected = new Map<string, Set<string>>();
  /** Outputs whose connection leads to a step that does not exist: counted as ends, to avoid a second report. */
  const dangling = new Set<string>();
  connections.forEach((c, i) => {
    if (!isObj(c) || !isStr(c.from) || !isStr(c.to) || !isStr(c.output)) return;
    const from = byId.get(c.from);
    const to = byId.get(c.to);
    const stepId = from ? c.from : undefined;
    if (!from) rep.add('connection-unknown-step', ['connections', i, 'from'], `connection #${i + 1} leaves from ${q(c.from)}, but no step has that id${didYouMean(c.from, byId.keys())}`);
    if (!to) rep.add('connection-unknown-step', ['connections', i, 'to'], `connection #${i + 1} leads to ${q(c.to)}, but no step has that id${didYouMean(c.to, byId.keys())}`, stepId ? { stepId } : {});
    else if (to.path[0] === 'start') rep.add('connection-to-start', ['connections', i, 'to'], `connection #${i + 1} leads into the Start step ${q(c.to)}; documents cannot re-enter the start`, stepId ? { stepId } : {});
    if (!from) return;
    const outs = outputs(from.step);
    if (!outs.includes(c.output)) {
      const msg = outs.length
        ? `step ${q(c.from)} (${String(from.step.type)}) has no output ${q(c.output)}${didYouMean(c.output, outs)}; its outputs are ${outs.join(', ')}`
        : `step ${q(c.from)} is an end step (${String(from.step.type)}) and has no outputs`;
      rep.add('connection-unknown-output', ['connections', i, 'output'], msg, { stepId: c.from });
      return;
    }
    const used = connected.get(c.from) ?? new Set<string>();
    if (used.has(c.output)) {
      const firstIndex = connections.findIndex((o) => isObj(o) && o.from === c.from && o.output === c.output);
      rep.add('connection-duplicate', ['connections', i, 'output'], `output ${q(c.output)} of step ${q(c.from)} is already connected (connection #${firstIndex + 1} on line ${rep.lineOf(['connections', firstIndex, 'output'])}); an output leads to one step`, { stepId: c.from });
      return;
    }
    used.add(c.output);
    connected.set(c.from, used);
    if (!to) dangling.add(c.from);
    else if (to.path[0] !== 'start') {
      const set = edges.get(c.from) ?? new Set<string>();
      set.add(c.to);
      edges.set(c.from, set);
    }
  });

  // Graph: reachability from the start, cycles, and whether an end can be reached.
  const startId = start && isStr(start.id) ? start.id : undefined;
  const reachable = new Set<string>();
  if (startId) {
    const queue = [startId];
    reachable.add(startId);
    while (queue.length) for (const n of edges.get(queue.shift()!) ?? []) if (!reachable.has(n)) reachable.add(n), queue.push(n);
  }
  const idPath = (id: string): JsonPath => [...byId.get(id)!.path, 'id'];
  for (const [id, { step, path }] of byId) {
    if (path[0] === 'start' || reachable.has(id) || !startId) continue;
    rep.add('step-unreachable', idPath(id), `step ${q(id)} (${String(step.type)}) is not reachable from the Start step: no connection path leads to it`);
  }
  for (const [id, { step }] of byId) {
    if (!reachable.has(id)) continue;
    const used = connected.get(id);
    for (const out of outputs(step)) if (!used?.has(out)) rep.add('output-not-connected', idPath(id), `output ${q(out)} of step ${q(id)} is not connected: documents that take it end there`);
  }
  const sccs = stronglyConnected([...byId.keys()], edges);
  const inCycle = new Set<string>();
  // An end: an end step, a step with an open output (documents end there), or a dangling connection.
  const canEnd = new Set<string>();
  for (const [id, { step }] of byId) {
    const used = connected.get(id);
    if (END_STEP_TYPES.has(step.type as Step['type']) || dangling.has(id) || outputs(step).some((o) => !used?.has(o))) canEnd.add(id);
  }
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of edges) for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  const queue = [...canEnd];
  while (queue.length) for (const n of reverse.get(queue.shift()!) ?? []) if (!canEnd.has(n)) canEnd.add(n), queue.push(n);
  for (const scc of sccs) {
    const cyclic = scc.length > 1 || edges.get(scc[0]!)?.has(scc[0]!);
    if (!cyclic) continue;
    scc.forEach((s) => inCycle.add(s));
    const order = [...byId.keys()].filter((k) => scc.includes(k));
    const closed = !order.some((s) => canEnd.has(s));
    const names = order.length === 1 ? `step ${q(order[0])} connects to itself` : `steps ${order.map(q).join(', ')} form a cycle`;
    rep.add('cycle', idPath(order[0]!), `${names}: a document could pass through ${order.length === 1 ? 'it' : 'them'} forever${closed ? '; no path leads out of the cycle to an end' : ''}`);
  }
  for (const id of byId.keys()) {
    if (!reachable.has(id) || canEnd.has(id) || inCycle.has(id)) continue;
    rep.add('no-path-to-end', idPath(id), `no path from step ${q(id)} reaches an end (an end step or an open output): its documents could never finish`);
  }

  // Patterns.
  checkPattern(op.virtualFileNamePattern, ['start', 'operation', 'virtualFileNamePattern'], 'virtualFileNamePattern', rep);
  steps.forEach((s, i) => {
    if (!isObj(s)) return;
    if (s.type === 'route' && Array.isArray(s.routes)) s.routes.forEach((r, j) => isObj(r) && checkPattern(r.pattern, ['steps', i, 'routes', j, 'pattern'], `route ${q(r.output)} pattern`, rep));
    if (s.type === 'decision' && isObj(s.condition) && s.condition.operator === 'matches') checkPattern(s.condition.value, ['steps', i, 'condition', 'value'], 'the condition value (operator matches)', rep);
  });

  // Document properties: templates and conditions may only use built-in ones or ones some step sets.
  const builtIn = Object.keys(DOCUMENT_PROPERTIES);
  const setNames = new Set<string>();
  steps.forEach((s, i) => {
    if (!isObj(s) || s.type !== 'setProperties' || !Array.isArray(s.properties)) return;
    s.properties.forEach((prop, j) => {
      if (!isObj(prop) || !isStr(prop.name)) return;
      if (prop.name in DOCUMENT_PROPERTIES) rep.add('readonly-property', ['steps', i, 'properties', j, 'name'], `${q(prop.name)} is a built-in document property (${DOCUMENT_PROPERTIES[prop.name]}) and read-only; choose another name`);
      else setNames.add(prop.name);
    });
  });
  const known = [...builtIn, ...setNames];
  const propertyName = (name: unknown, path: JsonPath): void => {
    if (isStr(name) && name && !builtIn.includes(name) && !setNames.has(name)) rep.add('unknown-property', path, `document property ${q(name)} is not built in and no Set Properties step sets it${didYouMean(name, known)}`);
  };
  const template = (t: unknown, path: JsonPath): void => {
    if (!isStr(t)) return;
    for (const ph of placeholders(t)) {
      const range = rep.root ? rangeInString(rep.root, path, rep.text, ph.start, ph.end) : undefined;
      if (ph.error) rep.add('template-syntax', path, ph.error, range ? { range } : {});
      else if (!builtIn.includes(ph.name) && !setNames.has(ph.name)) rep.add('unknown-property', path, `template placeholder '\${${ph.name}}' names a document property that is not built in and no Set Properties step sets it${didYouMean(ph.name, known)}`, range ? { range } : {});
    }
  };
  steps.forEach((s, i) => {
    if (!isObj(s)) return;
    const at = (...rest: JsonPath): JsonPath => ['steps', i, ...rest];
    switch (s.type) {
      case 'disk':
        template(s.folder, at('folder'));
        template(s.fileName, at('fileName'));
        break;
      case 'notify':
      case 'exception':
        template(s.message, at('message'));
        break;
      case 'setProperties':
        if (Array.isArray(s.properties)) s.properties.forEach((prop, j) => isObj(prop) && template(prop.value, at('properties', j, 'value')));
        break;
      case 'decision':
        if (isObj(s.condition)) {
          propertyName(s.condition.property, at('condition', 'property'));
          if (s.condition.operator !== 'matches') template(s.condition.value, at('condition', 'value'));
        }
        break;
      case 'route':
        if (s.routeBy === 'property') propertyName(s.property, at('property'));
        break;
    }
  });

  // What the operation demands of the certificates.
  const acknowledge = op.acknowledge ?? OPERATION_DEFAULTS.acknowledge;
  if ((op.signedEerpOnRequest ?? OPERATION_DEFAULTS.signedEerpOnRequest) === true && acknowledge !== 'never' && start && !my.acknowledgmentSigningCertificate) {
    const explicit = 'signedEerpOnRequest' in op;
    rep.add('acknowledge-needs-signing-cert', explicit ? ['start', 'operation', 'signedEerpOnRequest'] : ['start', 'myCompany'], `signed EERPs are offered on request (signedEerpOnRequest${explicit ? '' : ' defaults to true'}) but My Company has no acknowledgmentSigningCertificate: a partner that asks for a signed EERP gets none; add the certificate or set signedEerpOnRequest to false`, explicit ? {} : { prefer: 'key' });
  }
  if (op.requireEncrypted === true && start && !my.decryptionCertificate) {
    rep.add('requires-decryption-cert', ['start', 'operation', 'requireEncrypted'], 'requireEncrypted is set but My Company has no decryptionCertificate: no encrypted file could be opened');
  }
  if (start && Array.isArray(start.tradingPartners)) {
    start.tradingPartners.forEach((tp, i) => {
      if (!isObj(tp)) return;
      const who = `partner ${q(tp.name ?? tp.odetteId)}`;
      if (op.requireSigned === true && !tp.signatureVerificationCertificate) rep.add('requires-signature-cert', ['start', 'tradingPartners', i, 'odetteId'], `requireSigned is set (line ${rep.lineOf(['start', 'operation', 'requireSigned'])}) but ${who} has no signatureVerificationCertificate: its signed files could not be verified`);
      if (tp.secureAuthentication === 'required') {
        const missing = [...(tp.sessionAuthenticationEncryptingCertificate ? [] : [`the partner's sessionAuthenticationEncryptingCertificate`]), ...(my.sessionAuthenticationChallengeCertificate ? [] : [`My Company's sessionAuthenticationChallengeCertificate`])];
        if (missing.length) rep.add('requires-session-auth-cert', ['start', 'tradingPartners', i, 'secureAuthentication'], `${who} requires secure authentication but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
      }
    });
  }
  if (acknowledge !== 'afterProcessing') {
    for (const [id, { step }] of byId) {
      if (step.type === 'exception' && reachable.has(id)) rep.add('exception-without-nerp', idPath(id), `Exception step ${q(id)} fails documents, but acknowledge is ${q(acknowledge)}: the partner ${acknowledge === 'onReceipt' ? 'already got an EERP and ' : ''}gets no NERP; use acknowledge "afterProcessing" for the failure to reach it`);
    }
  }
}

/** Tarjan's strongly connected components, each in discovery order. */
function stronglyConnected(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp);
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Files the process names: secrets, certificates, partner groups

const PRIVATE_ROLES = [
  ['decryptionCertificate', 'decryption'],
  ['acknowledgmentSigningCertificate', 'acknowledgmentSigning'],
  ['sessionAuthenticationChallengeCertificate', 'sessionAuthenticationChallenge'],
] as const;
const PUBLIC_ROLES = [
  ['acknowledgmentVerificationCertificate', 'acknowledgmentVerification'],
  ['signatureVerificationCertificate', 'signatureVerification'],
  ['sessionAuthenticationEncryptingCertificate', 'sessionAuthenticationEncrypting'],
  ['clientSslCertificate', 'clientSsl'],
] as const;

async function checkCertificates(a: FileAnalysis, options: ValidateOptions): Promise<void> {
  const jobs: Array<{ ref: unknown; role: CertificateRole; path: JsonPath }> = [];
  const partners = (list: unknown, base: JsonPath): void => {
    if (Array.isArray(list)) list.forEach((p, i) => isObj(p) && PUBLIC_ROLES.forEach(([k, role]) => jobs.push({ ref: p[k], role, path: [...base, i, k] })));
  };
  if (a.process) {
    const my = valueAt(a.process, ['start', 'myCompany']);
    if (isObj(my)) PRIVATE_ROLES.forEach(([k, role]) => jobs.push({ ref: my[k], role, path: ['start', 'myCompany', k] }));
    partners(valueAt(a.process, ['start', 'tradingPartners']), ['start', 'tradingPartners']);
  } else if (a.group) partners(a.group.partners, ['partners']);
  const baseDir = dirname(resolve(a.file));
  await Promise.all(
    jobs.map(async ({ ref, role, path }) => {
      // Only well-formed references: the schema has already reported the others.
      const ok = isStr(ref) ? ref.length > 0 : isObj(ref) && (isStr(ref.pkcs12) || (isStr(ref.certificate) && isStr(ref.privateKey))) && (ref.passphrase === undefined || (isObj(ref.passphrase) && isStr(ref.passphrase.secret)));
      if (!ok) return;
      const problems = await checkCertificate(ref as string, role, { baseDir, ...(options.now ? { now: options.now } : {}), ...(options.resolveSecret ? { resolveSecret: options.resolveSecret } : {}), ...(options.readFile ? { readFile: options.readFile } : {}) });
      for (const p of problems) {
        const at = p.field === 'path' ? path : p.field === 'passphrase' ? [...path, 'passphrase', 'secret'] : [...path, p.field];
        a.rep.add(p.code, at, p.message, { severity: p.severity });
      }
    }),
  );
}

/** Resolves each secret once per validation run. */
function cachedResolver(resolveSecret: SecretResolver | undefined): SecretResolver | undefined {
  if (!resolveSecret) return undefined;
  const cache = new Map<string, Promise<string | undefined>>();
  return (name) => {
    let v = cache.get(name);
    if (!v) cache.set(name, (v = resolveSecret(name)));
    return v;
  };
}

/** SSIDPSWD holds 8 characters: longer passwords cannot be sent. */
async function checkPasswords(a: FileAnalysis, resolveSecret: SecretResolver): Promise<void> {
  const refs: JsonPath[] = [];
  if (a.process) {
    refs.push(['start', 'myCompany', 'password']);
    const tps = valueAt(a.process, ['start', 'tradingPartners']);
    if (Array.isArray(tps)) tps.forEach((_, i) => refs.push(['start', 'tradingPartners', i, 'password']));
  } else if (a.group && Array.isArray(a.group.partners)) a.group.partners.forEach((_, i) => refs.push(['partners', i, 'password']));
  const data = a.process ?? a.group;
  for (const path of refs) {
    const ref = valueAt(data, path);
    if (!isObj(ref) || !isStr(ref.secret)) continue;
    const value = await resolveSecret(ref.secret);
    if (value === undefined) a.rep.add('secret-unresolved', [...path, 'secret'], `secret ${q(ref.secret)} has no value`);
    else if (value.length > 8) a.rep.add('password-too-long', [...path, 'secret'], `the password in secret ${q(ref.secret)} has ${value.length} characters; an OFTP password (SSIDPSWD) has at most 8`);
  }
}

interface Credential {
  analysis: FileAnalysis;
  odetteId: string;
  key: string;
  /** How to name the password without showing it. */
  label: string;
  path: JsonPath;
  viaGroup?: string;
}

async function listenerCredentials(processes: FileAnalysis[], groups: Map<string, FileAnalysis>, resolveSecret: SecretResolver | undefined): Promise<Credential[]> {
  const out: Credential[] = [];
  for (const a of processes) {
    const tps = valueAt(a.process, ['start', 'tradingPartners']);
    const group = a.groupPath ? groups.get(a.groupPath) : undefined;
    const list: Array<{ p: unknown; path: JsonPath; viaGroup?: string }> = Array.isArray(tps)
      ? tps.map((p, i) => ({ p, path: ['start', 'tradingPartners', i, 'odetteId'] }))
      : group?.group && Array.isArray(group.group.partners)
        ? group.group.partners.map((p) => ({ p, path: ['start', 'tradingPartners', 'group'], viaGroup: group.file }))
        : [];
    for (const { p, path, viaGroup } of list) {
      if (!isObj(p) || !isStr(p.odetteId) || !isObj(p.password) || !isStr(p.password.secret)) continue;
      const secret = p.password.secret;
      const value = resolveSecret ? await resolveSecret(secret) : undefined;
      out.push({
        analysis: a,
        odetteId: p.odetteId,
        key: value !== undefined ? `value:${value}` : `secret:${secret}`,
        label: value !== undefined ? 'the same password' : `the same password secret ${q(secret)}`,
        path,
        ...(viaGroup ? { viaGroup } : {}),
      });
    }
  }
  return out;
}

function reportDuplicateCredentials(creds: Credential[]): void {
  const byKey = new Map<string, Credential[]>();
  for (const c of creds) {
    const k = `${c.odetteId}\0${c.key}`;
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  for (const list of byKey.values()) {
    const files = new Set(list.map((c) => c.analysis));
    if (files.size < 2) continue;
    for (const c of list) {
      const others = list.filter((o) => o.analysis !== c.analysis).map((o) => `${o.analysis.file}:${o.analysis.rep.lineOf(o.path)}`);
      const via = c.viaGroup ? ` (from partner group ${c.viaGroup})` : '';
      c.analysis.rep.add('duplicate-listener-credentials', c.path, `partner ${q(c.odetteId)}${via} with ${c.label} is also a partner of ${[...new Set(others)].join(', ')}: each (partner Odette ID, password) pair must be unique across the processes on one listener, or the listener does not start`);
    }
  }
}

/** Group partners checked against this process's operation (the group file cannot know it). */
function checkGroupAgainstProcess(a: FileAnalysis, group: FileAnalysis): void {
  const partners = group.group && Array.isArray(group.group.partners) ? group.group.partners : [];
  const op = valueAt(a.process, ['start', 'operation']);
  const my = valueAt(a.process, ['start', 'myCompany']);
  if (!isObj(op)) return;
  for (const tp of partners as unknown[]) {
    if (!isObj(tp)) continue;
    const who = `partner ${q(tp.name ?? tp.odetteId)} of group ${group.file}`;
    if (op.requireSigned === true && !tp.signatureVerificationCertificate) a.rep.add('requires-signature-cert', ['start', 'operation', 'requireSigned'], `requireSigned is set but ${who} has no signatureVerificationCertificate: its signed files could not be verified`);
    if (tp.secureAuthentication === 'required' && (!tp.sessionAuthenticationEncryptingCertificate || !(isObj(my) && my.sessionAuthenticationChallengeCertificate))) {
      a.rep.add('requires-session-auth-cert', ['start', 'tradingPartners', 'group'], `${who} requires secure authentication but ${tp.sessionAuthenticationEncryptingCertificate ? "My Company's sessionAuthenticationChallengeCertificate" : "the partner's sessionAuthenticationEncryptingCertificate"} is missing`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

export async function validateProcess(text: string, file: string, options: ValidateOptions = {}): Promise<Diagnostic[]> {
  return validateWorkspace([{ file, text }], options);
}

/**
 * Each file's diagnostics plus the cross-file ones. Partner group files may be among `files`; with
 * checkFiles, groups a process names that are not among them are read from disk.
 */
export async function validateWorkspace(files: WorkspaceFile[], options: ValidateOptions = {}): Promise<Diagnostic[]> {
  const resolveSecret = cachedResolver(options.resolveSecret);
  const readFile = options.readFile ?? ((p: string) => fsReadFile(p));
  const analyses = files.map((f) => analyze(f.file, f.text));
  const byPath = new Map(analyses.map((a) => [resolve(a.file), a]));
  const processes = analyses.filter((a) => a.process);

  // Partner groups: from the workspace, else (with checkFiles) from disk.
  for (const a of processes) {
    if (!a.groupPath || byPath.has(a.groupPath)) continue;
    if (!options.checkFiles) continue;
    const ref = valueAt(a.process, ['start', 'tradingPartners', 'group']) as string;
    try {
      const text = (await readFile(a.groupPath)).toString('utf8');
      const g = analyze(relativeLike(a.file, ref), text, 'partners');
      analyses.push(g);
      byPath.set(a.groupPath, g);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      a.rep.add(code === 'ENOENT' || code === 'ENOTDIR' ? 'partner-group-missing' : 'file-unreadable', ['start', 'tradingPartners', 'group'], code === 'ENOENT' || code === 'ENOTDIR' ? `partner group file ${q(ref)} does not exist (looked for ${a.groupPath})` : `partner group file ${q(ref)} cannot be read: ${(e as Error).message}`);
    }
  }
  const groups = new Map<string, FileAnalysis>();
  for (const a of processes) {
    const g = a.groupPath ? byPath.get(a.groupPath) : undefined;
    if (!g) continue;
    groups.set(a.groupPath!, g);
    if (g.group) checkGroupAgainstProcess(a, g);
    else if (!g.process && g.rep.diagnostics.length === 0) a.rep.add('partner-group-missing', ['start', 'tradingPartners', 'group'], `${q(g.file)} is not a partner group file`);
  }

  const checked = analyses.filter((a) => a.process || a.group);
  if (resolveSecret) await Promise.all(checked.map((a) => checkPasswords(a, resolveSecret)));
  if (options.checkFiles) await Promise.all(checked.map((a) => checkCertificates(a, options)));
  reportDuplicateCredentials(await listenerCredentials(processes, groups, resolveSecret));
  return analyses.flatMap((a) => a.rep.diagnostics).sort(compareDiagnostics);
}

/** The group's path as the user would write it: next to the process file's path as given. */
function relativeLike(processFile: string, ref: string): string {
  const dir = dirname(processFile);
  return dir === '.' ? ref : `${dir}/${ref}`.replace(/\/\.\//g, '/');
}

/**
 * For `oftp2 validate FILE...`: reads the files (and the partner group files they name, and with checkFiles,
 * on by default here, their certificates) and validates them together.
 */
export async function validateFiles(paths: string[], options: ValidateOptions = {}): Promise<{ diagnostics: Diagnostic[]; errors: number }> {
  const readFile = options.readFile ?? ((p: string) => fsReadFile(p));
  const files: WorkspaceFile[] = [];
  const unreadable: Diagnostic[] = [];
  for (const file of paths) {
    try {
      files.push({ file, text: (await readFile(file)).toString('utf8') });
    } catch (e) {
      unreadable.push({ file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'file-unreadable', message: `cannot read the file: ${(e as Error).message}` });
    }
  }
  const diagnostics = [...unreadable, ...(await validateWorkspace(files, { ...options, checkFiles: options.checkFiles ?? true }))].sort(compareDiagnostics);
  return { diagnostics, errors: diagnostics.filter((d) => d.severity === 'error').length };
}

