// The JSON Schemas against the model: every type and property of model.ts has its schema branch (the
// TypeScript records below fail to compile when the model grows), every property is documented for hovers,
// the examples validate, the README's codes table is current, and esbuild bundles the schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { diagnosticCodesMarkdown } from '../../src/process/diagnostics';
import type * as M from '../../src/process/model';
import { createAjv, partnersSchema, processSchema } from '../../src/process/schema';
import { validateWorkspace } from '../../src/process/validate';
import { tempDir } from '../helpers/files';

const ROOT = join(__dirname, '../../..');
type Keys<T> = Record<keyof T, true>;
type Defs = Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
const defs = processSchema.definitions as Defs;
const props = (name: string): string[] => Object.keys(defs[name]!.properties ?? {}).sort();
const keys = (r: Record<string, true>): string[] => Object.keys(r).sort();

test('schema and model agree: step types, and the properties of every interface', () => {
  const stepTypes: Record<M.ProcessingStep['type'], true> = { decision: true, route: true, setProperties: true, disk: true, notify: true, exception: true, stop: true, returnDocuments: true };
  const branch = defs.processingStep as unknown as { properties: { type: { enum: string[] } }; allOf: Array<{ if: { properties: { type: { const: string } } }; then: { $ref: string } }> };
  assert.deepEqual([...branch.properties.type.enum].sort(), keys(stepTypes));
  assert.deepEqual(branch.allOf.map((b) => b.if.properties.type.const).sort(), keys(stepTypes));
  for (const b of branch.allOf) assert.ok(defs[b.then.$ref.replace('#/definitions/', '')], b.then.$ref);
  const base = { type: true, id: true, name: true, position: true } as const;
  const shapes: Record<string, Record<string, true>> = {
    startStep: { ...base, startType: true, standard: true, myCompany: true, tradingPartners: true, communicationMethod: true, errorHandling: true, operation: true } satisfies Keys<M.StartStep>,
    decisionStep: { ...base, condition: true } satisfies Keys<M.DecisionStep>,
    routeStep: { ...base, routeBy: true, property: true, routes: true } satisfies Keys<M.RouteStep>,
    setPropertiesStep: { ...base, properties: true } satisfies Keys<M.SetPropertiesStep>,
    diskStep: { ...base, folder: true, fileName: true, ifExists: true } satisfies Keys<M.DiskStep>,
    notifyStep: { ...base, level: true, message: true } satisfies Keys<M.NotifyStep>,
    exceptionStep: { ...base, message: true, nerpReason: true } satisfies Keys<M.ExceptionStep>,
    stopStep: base satisfies Keys<M.StopStep>,
    returnDocumentsStep: base satisfies Keys<M.ReturnDocumentsStep>,
    tradingPartner: { name: true, odetteId: true, password: true, acknowledgmentVerificationCertificate: true, signatureVerificationCertificate: true, sessionAuthenticationEncryptingCertificate: true, clientSslCertificate: true, secureAuthentication: true } satisfies Keys<M.TradingPartner>,
    myCompany: { name: true, odetteId: true, password: true, decryptionCertificate: true, acknowledgmentSigningCertificate: true, sessionAuthenticationChallengeCertificate: true } satisfies Keys<M.MyCompany>,
    operation: { type: true, virtualFileNamePattern: true, originators: true, destinations: true, duplicateCheck: true, maxFileSize: true, requireSigned: true, requireEncrypted: true, allowCompression: true, cipherSuites: true, signedEerpOnRequest: true, acknowledge: true, failureNerpReason: true } satisfies Keys<M.Oftp2ServerListenOperation>,
    condition: { property: true, operator: true, value: true } satisfies Keys<M.Condition>,
    connection: { from: true, output: true, to: true } satisfies Keys<M.Connection>,
    position: { x: true, y: true } satisfies Keys<M.Position>,
    secretRef: { secret: true } satisfies Keys<M.SecretRef>,
    privateCertificateRef: { certificate: true, privateKey: true, pkcs12: true, passphrase: true },
    route: { output: true, equals: true, pattern: true } satisfies Keys<M.RouteStep['routes'][number]>,
  };
  for (const [name, shape] of Object.entries(shapes)) assert.deepEqual(props(name), keys(shape), name);
  const top: Keys<M.ProcessFile> = { $schema: true, schemaVersion: true, name: true, description: true, options: true, start: true, steps: true, connections: true };
  assert.deepEqual(Object.keys(processSchema.properties as object).sort(), keys(top));
  const group: Keys<M.PartnerGroupFile> = { $schema: true, schemaVersion: true, name: true, partners: true };
  assert.deepEqual(Object.keys(partnersSchema.properties as object).sort(), keys(group));
  const options: Keys<M.ProcessOptions> = { allowSimultaneousExecutions: true };
  assert.deepEqual(Object.keys((processSchema.properties as Defs).options!.properties!).sort(), keys(options));
  // Required in the schema exactly where the model has no '?'.
  assert.deepEqual([...defs.diskStep!.required!].sort(), ['fileName', 'folder', 'id', 'type']);
  assert.deepEqual([...defs.tradingPartner!.required!].sort(), ['name', 'odetteId', 'password']);
  assert.equal((processSchema.properties as Record<string, { const: number }>).schemaVersion!.const, 1 satisfies typeof M.SCHEMA_VERSION);
});

test('the partner group schema shares its definitions with the process schema', () => {
  const own = partnersSchema.definitions as Defs;
  for (const name of Object.keys(own)) assert.deepEqual(own[name], defs[name], name);
});

test('every property has a description and a markdownDescription (hover text); every object forbids unknown properties', () => {
  const walk = (s: unknown, where: string): void => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    if (o.properties) {
      // Conditional branches (if/then/else) only narrow properties documented in the object itself.
      const branch = /\/(if|then|else)\b/.test(where);
      for (const [k, v] of Object.entries(o.properties as Record<string, Record<string, unknown>>)) {
        if (v === (false as unknown) || branch) continue;
        assert.ok(typeof v.description === 'string' && typeof v.markdownDescription === 'string', `${where}.${k} lacks description/markdownDescription`);
      }
      if (!where.includes('/if') && !where.includes('/then') && !where.includes('/else') && where !== 'processingStep') assert.equal(o.additionalProperties, false, `${where} allows unknown properties`);
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'properties') walk(v, `${where}/${k}`);
    if (o.properties) for (const [k, v] of Object.entries(o.properties as object)) walk(v, `${where}.${k}`);
  };
  for (const [name, d] of Object.entries(defs)) walk(d, name);
  walk({ ...processSchema, definitions: undefined }, 'process');
  walk({ ...partnersSchema, definitions: undefined }, 'partners');
});

test('the schemas compile in ajv strict mode', () => {
  const ajv = createAjv(true);
  ajv.compile(processSchema);
  ajv.compile(partnersSchema);
});

test('every file in examples/ validates without errors (schema and semantics)', async () => {
  const files: Array<{ file: string; text: string }> = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.oftp2(-partners)?\.json$/.test(e.name)) files.push({ file: join(d, e.name), text: readFileSync(join(d, e.name), 'utf8') });
    }
  };
  if (existsSync(join(ROOT, 'examples'))) walk(join(ROOT, 'examples'));
  assert.ok(files.length >= 2, 'the examples hold at least a process and a partner group');
  const schemaErrors = (await validateWorkspace(files)).filter((d) => d.severity === 'error');
  assert.deepEqual(schemaErrors, []);
});

test('README lists every diagnostic code as DIAGNOSTIC_CODES has it', () => {
  const readme = readFileSync(join(ROOT, 'src/process/README.md'), 'utf8');
  assert.ok(readme.includes(diagnosticCodesMarkdown()), 'src/process/README.md: paste diagnosticCodesMarkdown() output');
});

test('esbuild bundles the schema into a single file that validates', async () => {
  const out = join(tempDir('process-bundle'), 'validate.js');
  await build({ entryPoints: [join(ROOT, 'src/process/validate.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'silent', mainFields: ['module', 'main'] });
  assert.ok(!/require\([^)]*schema\.json/.test(readFileSync(out, 'utf8')), 'schema is inlined, not required at run time');
  const { validateProcess } = require(out) as typeof import('../../src/process/validate');
  const ds = await validateProcess('{"schemaVersion": 1, "name": "x"}', 'x.oftp2.json');
  assert.deepEqual(ds.map((d) => d.message).sort(), ["missing required property 'connections'", "missing required property 'start'", "missing required property 'steps'"]);
});
