// Every diagnostic code of the process validator, each triggered by a minimal file and asserted at the line
// and column of the offending value (positions found by plain text search, independently of the validator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_CODES, formatDiagnostic, type Diagnostic } from '../../src/process/diagnostics';
import { odetteIdProblem, validateProcess } from '../../src/process/validate';
import { at, baseProcess, found, text, val, where, type Json } from '../helpers/process';

const FILE = 'p.oftp2.json';
const run = (src: string, options = {}): Promise<Diagnostic[]> => validateProcess(src, FILE, options);
const mutate = (f: (p: Json) => void): string => {
  const p = baseProcess();
  f(p);
  return text(p);
};
/** Diagnostics with the code, as "line:col". */
const codeAt = (ds: Diagnostic[], code: string): string[] => ds.filter((d) => d.code === code).map(where);
const one = (ds: Diagnostic[], code: string): Diagnostic => {
  const m = ds.filter((d) => d.code === code);
  assert.equal(m.length, 1, `one ${code} in:\n${ds.map(formatDiagnostic).join('\n')}`);
  return m[0]!;
};

test('the base fixture and a valid process per step type have no diagnostics at all', async () => {
  assert.deepEqual(await run(text(baseProcess())), []);
  const chain = (step: Json): string =>
    mutate((p) => {
      p.steps = [step, { type: 'stop', id: 'done' }];
      p.connections = [{ from: 'start', output: 'documents', to: step.id }];
      if (step.type === 'decision') p.connections.push({ from: step.id, output: 'true', to: 'done' }, { from: step.id, output: 'false', to: 'done' });
      else if (step.type === 'route') p.connections.push(...['a', 'b', 'default'].map((o) => ({ from: step.id, output: o, to: 'done' })));
      else if (!['exception', 'stop', 'returnDocuments'].includes(step.type)) p.connections.push({ from: step.id, output: 'next', to: 'done' });
      else p.steps = [step];
    });
  const steps: Json[] = [
    { type: 'decision', id: 's', name: 'Is it a forecast?', position: { x: 1, y: 2 }, condition: { property: 'document.type', operator: 'equals', value: 'DELFOR' } },
    { type: 'decision', id: 's', condition: { property: 'sfid.userData', operator: 'exists' } },
    { type: 'decision', id: 's', condition: { property: 'virtualFileName', operator: 'matches', value: '^INV_${partner}' } },
    { type: 'route', id: 's', routeBy: 'virtualFileName', routes: [{ output: 'a', pattern: '^DEL' }, { output: 'b', equals: 'X' }] },
    { type: 'route', id: 's', routeBy: 'property', property: 'partner.name', routes: [{ output: 'a', equals: 'ACME' }, { output: 'b', equals: 'BOLT' }] },
    { type: 'setProperties', id: 's', properties: [{ name: 'target', value: '${sfid.datasetName}-${document.type}' }] },
    { type: 'disk', id: 's', folder: 'out/${partner}', fileName: '${sfid.originator}_${sfid.datasetName}_${sfid.date}${sfid.time}.edi', ifExists: 'overwrite' },
    { type: 'notify', id: 's', level: 'warning', message: 'got ${size} octets' },
    { type: 'exception', id: 's', message: 'refused ${virtualFileName}', nerpReason: 34 },
    { type: 'stop', id: 's' },
    { type: 'returnDocuments', id: 's' },
  ];
  for (const s of steps) assert.deepEqual((await run(chain(s))).map(formatDiagnostic), [], JSON.stringify(s));
});

test('json-syntax: at the exact position, with plain words; nothing else is reported', async () => {
  const src = '{\n  "schemaVersion": 1,\n  "name": "x"\n  "start": {}\n}\n';
  const ds = await run(src);
  assert.deepEqual(found(ds), ['json-syntax@4:3']);
  assert.match(ds[0]!.message, /expected ','/);
  assert.deepEqual(found(await run('{\n  "a": 1, // no\n}')), ['json-syntax@2:11', 'json-syntax@3:1']);
  assert.equal(formatDiagnostic(ds[0]!), 'p.oftp2.json:4:3: error json-syntax expected \',\' (or the end of the object or array)');
});

test('duplicate-key: the second key', async () => {
  const src = text(baseProcess()).replace('"name": "test",', '"name": "test",\n  "name": "again",');
  assert.deepEqual(found(await run(src)), ['duplicate-key@' + at(src, '"name"', 1)]);
});

test('schema-version: refused at the value, nothing else checked', async () => {
  const src = mutate((p) => {
    p.schemaVersion = 2;
    p.steps = 'garbage';
  });
  const ds = await run(src);
  assert.deepEqual(found(ds), ['schema-version@' + at(src, '2')]);
  assert.match(ds[0]!.message, /schemaVersion 2 is not supported.*newer/);
});

test('schema: missing property names the step; unknown property suggests the right one', async () => {
  const src = mutate((p) => {
    p.steps.unshift({ type: 'disk', id: 'disk1', folderr: 'out', fileName: 'x' });
    p.connections = [{ from: 'start', output: 'documents', to: 'disk1' }, { from: 'disk1', output: 'next', to: 'done' }];
  });
  const ds = (await run(src)).filter((d) => d.code === 'schema');
  const missing = ds.find((d) => /missing/.test(d.message))!;
  assert.equal(missing.message, "step 'disk1': missing required property 'folder'");
  assert.equal(where(missing), at(src, '{\n      "type": "disk"'));
  assert.equal(missing.stepId, 'disk1');
  const unknown = ds.find((d) => /unknown property/.test(d.message))!;
  assert.equal(unknown.message, "step 'disk1': unknown property 'folderr' (did you mean 'folder'?)");
  assert.equal(where(unknown), at(src, '"folderr"'));
  assert.equal(ds.length, 2);
});

test('schema: wrong enum, wrong type, unknown step type, both equals and pattern, missing one of them', async () => {
  const src = mutate((p) => {
    p.start.standard = 'ODETE';
    p.start.operation.maxFileSize = 'big';
    p.steps.push({ type: 'disc', id: 'x' }, { type: 'route', id: 'r', routeBy: 'partner', routes: [{ output: 'a', equals: 'A', pattern: 'B' }, { output: 'b' }] });
  });
  const ds = (await run(src)).filter((d) => d.code === 'schema');
  const msg = (needle: string): Diagnostic => ds.find((d) => d.message.includes(needle))!;
  assert.equal(where(msg('ODETE')), at(src, '"ODETE"'));
  assert.match(msg('ODETE').message, /'standard' must be one of .* not "ODETE" \(did you mean 'ODETTE'\?\)/);
  assert.equal(msg('maxFileSize').message, "operation: 'maxFileSize' must be a whole number");
  assert.equal(where(msg('maxFileSize')), at(src, '"big"'));
  assert.match(msg('disc').message, /^step 'x': unknown step type "disc" \(did you mean 'disk'\?\)/);
  assert.equal(where(msg('disc')), at(src, '"disc"'));
  assert.equal(msg('cannot be used together').message, "step 'r': 'equals' cannot be used together with 'pattern'");
  assert.equal(where(msg('cannot be used together')), at(src, '"equals": "A"'));
  assert.equal(msg("(or 'pattern')").message, "step 'r': item 2 of 'routes': missing required property 'equals' (or 'pattern')");
  assert.equal(ds.length, 5, ds.map(formatDiagnostic).join('\n'));
});

test('secret-in-clear: an error at the value that never repeats the value', async () => {
  const src = mutate((p) => {
    p.start.tradingPartners[0].password = 'S3CRET';
    p.start.myCompany.decryptionCertificate = { pkcs12: 'a.p12', passphrase: 'P4SS' };
  });
  const ds = await run(src);
  assert.deepEqual(codeAt(ds, 'secret-in-clear'), [at(src, '"S3CRET"'), at(src, '"P4SS"')].sort());
  for (const d of ds) assert.ok(!/S3CRET|P4SS/.test(d.message), d.message);
  assert.ok(ds.filter((d) => d.code === 'secret-in-clear').every((d) => d.severity === 'error'));
  assert.equal(found(ds, 'schema').length, 0);
});

test('odette-id: each kind of mistake, named; odette-id-not-odette for other code lists', async () => {
  const cases: Array<[string, RegExp | undefined, 'odette-id' | 'odette-id-not-odette' | undefined]> = [
    ['O0013000000ACME', undefined, undefined],
    ['O0013000000ACMEPLANT1234567', /27 characters long/, 'odette-id'],
    ['O0013 ACME', /space at position 6/, 'odette-id'],
    ['o0013ACME', /lower-case.*'O0013ACME'/, 'odette-id'],
    ['O0013AC_ME', /'_' at position 8/, 'odette-id'],
    ['OABCDACME', /4-digit ICD.*'ABCD'/, 'odette-id'],
    ['O0013', /too short/, 'odette-id'],
    ['', /empty/, 'odette-id'],
    ['X0013ACME', /starts with 'X', not 'O'/, 'odette-id-not-odette'],
    ['O0013ACME/(1)-&.', undefined, undefined],
  ];
  for (const [id, re, code] of cases) {
    const p = odetteIdProblem(id);
    assert.equal(p?.code, code, id);
    if (re) assert.match(p!.message, re);
  }
  const src = mutate((p) => {
    p.start.myCompany.odetteId = 'O13ACME';
    p.start.tradingPartners[0].odetteId = 'X0013ACME';
    p.start.operation.originators = ['O0013000000ACME', 'O0013 BAD'];
  });
  const ds = await run(src);
  assert.deepEqual(found(ds), [`odette-id-not-odette@${at(src, '"X0013ACME"')}`, `odette-id@${at(src, '"O13ACME"')}`, `odette-id@${at(src, '"O0013 BAD"')}`].sort());
  assert.equal(ds.find((d) => d.code === 'odette-id-not-odette')!.severity, 'warning');
});

test('password-too-long and secret-unresolved (with a secret resolver), never echoing the password', async () => {
  const src = mutate((p) => p.start.tradingPartners.push({ name: 'bolt', odetteId: 'O0013000000BOLT', password: { secret: 'bolt-pw' } }));
  const secrets: Record<string, string> = { 'us-pw': 'SHORT', 'acme-pw': 'MUCHTOOLONG' };
  const ds = await run(src, { resolveSecret: async (n: string) => secrets[n] });
  assert.deepEqual(found(ds), [`password-too-long@${at(src, '"acme-pw"')}`, `secret-unresolved@${at(src, '"bolt-pw"')}`]);
  assert.ok(!ds.some((d) => d.message.includes('MUCHTOOLONG')));
  assert.match(ds[0]!.message, /11 characters.*at most 8/);
  // Without a resolver nothing is resolved, so nothing is reported.
  assert.deepEqual(await run(src), []);
});

test('duplicate-step-id, connection-unknown-step, connection-unknown-output, connection-duplicate, connection-to-start', async () => {
  const src = mutate((p) => {
    p.steps.push({ type: 'notify', id: 'n', level: 'info', message: 'hi' }, { type: 'stop', id: 'n' });
    p.connections = [
      { from: 'start', output: 'documents', to: 'n' },
      { from: 'start', output: 'documents', to: 'done' },
      { from: 'n', output: 'nxt', to: 'done' },
      { from: 'n', output: 'next', to: 'start' },
      { from: 'ghost', output: 'next', to: 'done' },
      { from: 'done', output: 'next', to: 'phantom' },
    ];
  });
  const ds = await run(src);
  assert.deepEqual(codeAt(ds, 'duplicate-step-id'), [at(src, '"n"', 1)]);
  assert.deepEqual(codeAt(ds, 'connection-duplicate'), [at(src, '"documents"', 1)]);
  assert.deepEqual(codeAt(ds, 'connection-unknown-output').sort(), [at(src, '"nxt"'), at(src, '"next"', 2)].sort());
  assert.match(ds.find((d) => d.message.includes("'nxt'"))!.message, /did you mean 'next'\?/);
  assert.match(ds.find((d) => d.code === 'connection-unknown-output' && d.stepId === 'done')!.message, /end step \(stop\) and has no outputs/);
  assert.deepEqual(codeAt(ds, 'connection-to-start'), [val(src, '"to": "start"')]);
  assert.deepEqual(codeAt(ds, 'connection-unknown-step').sort(), [at(src, '"ghost"'), at(src, '"phantom"')].sort());
});

test('step-unreachable and output-not-connected are warnings at the step id', async () => {
  const src = mutate((p) => {
    p.steps.push({ type: 'decision', id: 'dec', condition: { property: 'partner', operator: 'equals', value: 'X' } }, { type: 'stop', id: 'island' });
    p.connections = [{ from: 'start', output: 'documents', to: 'dec' }, { from: 'dec', output: 'true', to: 'done' }];
  });
  const ds = await run(src);
  assert.deepEqual(found(ds), [`output-not-connected@${at(src, '"dec"')}`, `step-unreachable@${at(src, '"island"')}`]);
  assert.ok(ds.every((d) => d.severity === 'warning'));
  assert.match(ds.find((d) => d.code === 'output-not-connected')!.message, /output 'false' of step 'dec'/);
  // The start's "errors" output exists only with continueProcessOnError.
  const src2 = mutate((p) => (p.start.errorHandling = 'continueProcessOnError'));
  assert.deepEqual(found(await run(src2)), [`output-not-connected@${val(src2, '"id": "start"')}`]);
});

test('cycle names its steps; no-path-to-end for a step that leads only into a closed loop', async () => {
  const src = mutate((p) => {
    p.steps = [
      { type: 'notify', id: 'a', level: 'info', message: 'a' },
      { type: 'notify', id: 'b', level: 'info', message: 'b' },
      { type: 'notify', id: 'c', level: 'info', message: 'c' },
    ];
    p.connections = [
      { from: 'start', output: 'documents', to: 'a' },
      { from: 'a', output: 'next', to: 'b' },
      { from: 'b', output: 'next', to: 'c' },
      { from: 'c', output: 'next', to: 'b' },
    ];
  });
  const ds = await run(src);
  // The loop's members get the cycle; the steps that lead only into it (here also the start) get no-path-to-end.
  assert.deepEqual(found(ds), [`cycle@${at(src, '"b"')}`, `no-path-to-end@${at(src, '"a"')}`, `no-path-to-end@${val(src, '"id": "start"')}`].sort());
  assert.match(one(ds, 'cycle').message, /steps 'b', 'c' form a cycle.*no path leads out/);
  // A loop with a way out is still a cycle, but every step can end.
  const src2 = mutate((p) => {
    p.steps = [{ type: 'decision', id: 'd', condition: { property: 'size', operator: 'lessThan', value: '5' } }, { type: 'stop', id: 'done' }];
    p.connections = [{ from: 'start', output: 'documents', to: 'd' }, { from: 'd', output: 'true', to: 'd' }, { from: 'd', output: 'false', to: 'done' }];
  });
  const ds2 = await run(src2);
  assert.deepEqual(found(ds2), [`cycle@${at(src2, '"d"')}`]);
  assert.match(ds2[0]!.message, /step 'd' connects to itself/);
  assert.equal(ds2[0]!.stepId, 'd');
});

test('invalid-pattern in the operation, a route and a matches condition (placeholders allowed)', async () => {
  const src = mutate((p) => {
    p.start.operation.virtualFileNamePattern = '^(INV';
    p.steps = [
      { type: 'route', id: 'r', routeBy: 'virtualFileName', routes: [{ output: 'a', pattern: '[z-a]' }] },
      { type: 'decision', id: 'd', condition: { property: 'virtualFileName', operator: 'matches', value: '${partner}+*' } },
      { type: 'decision', id: 'ok', condition: { property: 'virtualFileName', operator: 'matches', value: '^${partner}_\\d+$' } },
      { type: 'stop', id: 'done' },
    ];
    p.connections = [
      { from: 'start', output: 'documents', to: 'r' },
      { from: 'r', output: 'a', to: 'd' },
      { from: 'r', output: 'default', to: 'ok' },
      ...['true', 'false'].flatMap((o) => [{ from: 'd', output: o, to: 'done' }, { from: 'ok', output: o, to: 'done' }]),
    ];
  });
  const ds = await run(src);
  assert.deepEqual(found(ds), [`invalid-pattern@${at(src, '"^(INV"')}`, `invalid-pattern@${at(src, '"[z-a]"')}`, `invalid-pattern@${at(src, '"${partner}+*"')}`].sort());
  assert.match(ds.find((d) => d.range.start.line === +at(src, '"^(INV"').split(':')[0]! - 1)!.message, /Unterminated group/);
});

test('unknown-property at the exact placeholder column (through JSON escapes); template-syntax; properties set by a step are known', async () => {
  const src = mutate((p) => {
    p.steps = [
      { type: 'setProperties', id: 'sp', properties: [{ name: 'target', value: 'x' }] },
      { type: 'disk', id: 'disk', folder: 'out/"q"/${target}', fileName: '\t${sfid.datasetNam}.edi' },
      { type: 'notify', id: 'n', level: 'info', message: 'bad ${oops' },
      { type: 'decision', id: 'd', condition: { property: 'colour', operator: 'equals', value: '${}' } },
      { type: 'stop', id: 'done' },
    ];
    p.connections = [
      { from: 'start', output: 'documents', to: 'sp' },
      { from: 'sp', output: 'next', to: 'disk' },
      { from: 'disk', output: 'next', to: 'n' },
      { from: 'n', output: 'next', to: 'd' },
      { from: 'd', output: 'true', to: 'done' },
      { from: 'd', output: 'false', to: 'done' },
    ];
  });
  const ds = await run(src);
  assert.deepEqual(found(ds), [`unknown-property@${at(src, '${sfid.datasetNam}')}`, `unknown-property@${at(src, '"colour"')}`, `template-syntax@${at(src, '${oops')}`, `template-syntax@${at(src, '${}')}`].sort());
  const typo = ds.find((d) => d.message.includes('sfid.datasetNam'))!;
  assert.match(typo.message, /did you mean 'sfid\.datasetName'\?/);
  assert.equal(typo.range.end.character - typo.range.start.character, '${sfid.datasetNam}'.length);
  assert.equal(typo.severity, 'warning');
});

test('readonly-property: a Set Properties step may not set a built-in', async () => {
  const src = mutate((p) => {
    p.steps.unshift({ type: 'setProperties', id: 'sp', properties: [{ name: 'sfid.datasetName', value: 'x' }] });
    p.connections = [{ from: 'start', output: 'documents', to: 'sp' }, { from: 'sp', output: 'next', to: 'done' }];
  });
  assert.deepEqual(found(await run(src)), [`readonly-property@${at(src, '"sfid.datasetName"')}`]);
});

test('duplicate-partner at the second occurrence', async () => {
  const src = mutate((p) => p.start.tradingPartners.push({ name: 'acme again', odetteId: 'O0013000000ACME', password: { secret: 'other' } }));
  const ds = await run(src);
  assert.deepEqual(found(ds), [`duplicate-partner@${at(src, '"O0013000000ACME"', 1)}`]);
  assert.match(ds[0]!.message, /also partner #1 on line \d+/);
});

test('acknowledge-needs-signing-cert: explicit or by default; not with acknowledge never or with the certificate', async () => {
  const explicit = mutate((p) => (p.start.operation.signedEerpOnRequest = true));
  assert.deepEqual(found(await run(explicit)), [`acknowledge-needs-signing-cert@${at(explicit, 'true')}`]);
  const byDefault = mutate((p) => delete p.start.operation.signedEerpOnRequest);
  assert.deepEqual(found(await run(byDefault)), [`acknowledge-needs-signing-cert@${at(byDefault, '"myCompany"')}`]);
  assert.deepEqual(await run(mutate((p) => {
    delete p.start.operation.signedEerpOnRequest;
    p.start.operation.acknowledge = 'never';
  })), []);
  assert.deepEqual(await run(mutate((p) => {
    p.start.operation.signedEerpOnRequest = true;
    p.start.myCompany.acknowledgmentSigningCertificate = { certificate: 'a.pem', privateKey: 'a.key' };
  })), []);
});

test('requires-decryption-cert, requires-signature-cert (per partner), requires-session-auth-cert', async () => {
  const src = mutate((p) => {
    p.start.operation.requireEncrypted = true;
    p.start.operation.requireSigned = true;
    p.start.tradingPartners.push({ name: 'signer', odetteId: 'O0013000000SIGN', password: { secret: 's' }, signatureVerificationCertificate: 's.pem', secureAuthentication: 'required' });
  });
  const ds = await run(src);
  assert.deepEqual(found(ds), [
    `requires-decryption-cert@${at(src, 'true')}`,
    `requires-session-auth-cert@${at(src, '"required"')}`,
    `requires-signature-cert@${at(src, '"O0013000000ACME"')}`,
  ].sort());
  assert.match(one(ds, 'requires-signature-cert').message, /partner 'acme' has no signatureVerificationCertificate/);
  assert.match(one(ds, 'requires-session-auth-cert').message, /sessionAuthenticationEncryptingCertificate and My Company's sessionAuthenticationChallengeCertificate are missing/);
});

test('exception-without-nerp: a reachable Exception step while acknowledge is onReceipt or never', async () => {
  for (const acknowledge of ['onReceipt', 'never']) {
    const src = mutate((p) => {
      p.start.operation.acknowledge = acknowledge;
      p.steps = [{ type: 'exception', id: 'boom', message: 'no' }];
      p.connections = [{ from: 'start', output: 'documents', to: 'boom' }];
    });
    const ds = await run(src);
    assert.deepEqual(found(ds), [`exception-without-nerp@${at(src, '"boom"')}`]);
    assert.equal(ds[0]!.stepId, 'boom');
  }
  const fine = mutate((p) => {
    p.start.operation.acknowledge = 'afterProcessing';
    p.steps = [{ type: 'exception', id: 'boom', message: 'no' }];
    p.connections = [{ from: 'start', output: 'documents', to: 'boom' }];
  });
  assert.deepEqual(await run(fine), []);
});

test('CRLF line ends and a byte-order mark keep columns right', async () => {
  const src = '\ufeff' + mutate((p) => (p.start.myCompany.odetteId = 'O13')).replace(/\n/g, '\r\n');
  const ds = await run(src);
  assert.deepEqual(found(ds), [`odette-id@${at(src.replace(/\r\n/g, '\n'), '"O13"')}`]);
});

test('every code in DIAGNOSTIC_CODES is produced by some test in this folder', async () => {
  // Guards against codes that nothing emits (or that lose their test): the list is the docs.
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join(__dirname, '../../../test/process');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !new RegExp(`(${code}@|[':]${code}[':])`).test(sources.replace(/^test\(.*$/gm, '')));
  assert.deepEqual(missing, []);
});
