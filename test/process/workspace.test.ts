// Cross-file checks: the listener rule that no two processes share a partner's (Odette ID, password), partner
// group files (in the workspace, read from disk, or missing), and validateFiles as `oftp2 validate` uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../src/process/diagnostics';
import { validateFiles, validateWorkspace } from '../../src/process/validate';
import { tempDir } from '../helpers/files';
import { at, baseProcess, found, text, val } from '../helpers/process';

const group = (partners: unknown[]): string => text({ schemaVersion: 1, name: 'suppliers', partners });
const acme = { name: 'acme', odetteId: 'O0013000000ACME', password: { secret: 'acme-pw' } };

test('duplicate-listener-credentials: on the partner in every file involved, naming the other file', async () => {
  const a = text(baseProcess());
  const bp = baseProcess();
  bp.name = 'b';
  bp.start.tradingPartners.unshift({ name: 'bolt', odetteId: 'O0013000000BOLT', password: { secret: 'bolt-pw' } });
  const b = text(bp);
  const ds = await validateWorkspace([{ file: 'a.oftp2.json', text: a }, { file: 'b.oftp2.json', text: b }]);
  assert.deepEqual(ds.map((d) => `${d.file}:${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`), [
    `a.oftp2.json:duplicate-listener-credentials@${at(a, '"O0013000000ACME"')}`,
    `b.oftp2.json:duplicate-listener-credentials@${at(b, '"O0013000000ACME"')}`,
  ]);
  assert.match(ds[0]!.message, new RegExp(`also a partner of b\\.oftp2\\.json:${at(b, '"O0013000000ACME"').split(':')[0]}.*unique across the processes`));
  assert.match(ds[1]!.message, /also a partner of a\.oftp2\.json:/);
  assert.match(ds[0]!.message, /the same password secret 'acme-pw'/);
});

test('same Odette ID with another password is fine, unless both secrets hold the same value (never shown)', async () => {
  const bp = baseProcess();
  bp.start.tradingPartners[0].password = { secret: 'acme-pw-2' };
  const files = [{ file: 'a.oftp2.json', text: text(baseProcess()) }, { file: 'b.oftp2.json', text: text(bp) }];
  assert.deepEqual(await validateWorkspace(files), []);
  assert.deepEqual(await validateWorkspace(files, { resolveSecret: async (n) => (n.startsWith('acme') ? 'SAME' : n.toUpperCase().slice(0, 8)) }).then((ds) => ds.map((d) => d.code)), ['duplicate-listener-credentials', 'duplicate-listener-credentials']);
  const ds = await validateWorkspace(files, { resolveSecret: async () => 'SAME' });
  assert.ok(ds.every((d) => !d.message.includes('SAME')), ds.map(formatDiagnostic).join('\n'));
  // One process listing the partner twice is duplicate-partner, not a listener conflict.
  const twice = baseProcess();
  twice.start.tradingPartners.push({ ...acme, name: 'again' });
  assert.deepEqual((await validateWorkspace([{ file: 'c.oftp2.json', text: text(twice) }])).map((d) => d.code), ['duplicate-partner']);
});

test('a partner group shared by two processes: the conflict is reported at each group reference; group diagnostics go to the group file', async () => {
  const p = baseProcess();
  p.start.tradingPartners = { group: 'suppliers.oftp2-partners.json' };
  const src = text(p);
  const g = group([acme, { name: 'bad', odetteId: 'O0013 BAD', password: { secret: 'x' } }]);
  const ds = await validateWorkspace([{ file: 'a.oftp2.json', text: src }, { file: 'b.oftp2.json', text: src }, { file: 'suppliers.oftp2-partners.json', text: g }]);
  assert.deepEqual(ds.map((d) => `${d.file}:${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`), [
    `a.oftp2.json:duplicate-listener-credentials@${val(src, '"group": "suppliers.oftp2-partners.json"')}`,
    `b.oftp2.json:duplicate-listener-credentials@${val(src, '"group": "suppliers.oftp2-partners.json"')}`,
    `b.oftp2.json:duplicate-listener-credentials@${val(src, '"group": "suppliers.oftp2-partners.json"')}`,
    `a.oftp2.json:duplicate-listener-credentials@${val(src, '"group": "suppliers.oftp2-partners.json"')}`,
    `suppliers.oftp2-partners.json:odette-id@${at(g, '"O0013 BAD"')}`,
  ].sort((x, y) => x.localeCompare(y)));
  assert.match(ds[0]!.message, /partner 'O0013000000ACME' \(from partner group suppliers\.oftp2-partners\.json\)/);
});

test('a group file is checked against its schema, and against the operation of each process using it', async () => {
  const g = group([{ ...acme, pasword: 1 }]);
  const p = baseProcess();
  p.start.tradingPartners = { group: 'g.oftp2-partners.json' };
  p.start.operation.requireSigned = true;
  const src = text(p);
  const ds = await validateWorkspace([{ file: 'p.oftp2.json', text: src }, { file: 'g.oftp2-partners.json', text: g }]);
  assert.deepEqual(found(ds), [`requires-signature-cert@${at(src, 'true')}`, `schema@${at(g, '"pasword"')}`].sort());
  assert.match(ds.find((d) => d.code === 'schema')!.message, /^partner 'acme': unknown property 'pasword' \(did you mean 'password'\?\)$/);
});

test('partner-group-missing with checkFiles; group files named by a process are read from disk and validated', async () => {
  const dir = tempDir('process-ws');
  const p = baseProcess();
  p.start.tradingPartners = { group: 'suppliers.oftp2-partners.json' };
  const src = text(p);
  const file = join(dir, 'p.oftp2.json');
  assert.deepEqual(await validateWorkspace([{ file, text: src }]), [], 'without checkFiles the group is not looked for');
  const missing = await validateWorkspace([{ file, text: src }], { checkFiles: true });
  assert.deepEqual(found(missing), [`partner-group-missing@${val(src, '"group": "suppliers.oftp2-partners.json"')}`]);
  assert.match(missing[0]!.message, /'suppliers\.oftp2-partners\.json' does not exist/);
  const g = group([{ ...acme, odetteId: 'X0013ACME' }]);
  writeFileSync(join(dir, 'suppliers.oftp2-partners.json'), g);
  const ds = await validateWorkspace([{ file, text: src }], { checkFiles: true });
  assert.deepEqual(ds.map((d) => `${d.file}:${d.code}`), [`${join(dir, 'suppliers.oftp2-partners.json')}:odette-id-not-odette`]);
});

test('validateFiles reads files from disk, counts errors, reports unreadable files', async () => {
  const dir = tempDir('process-files');
  const a = join(dir, 'a.oftp2.json');
  const b = join(dir, 'b.oftp2.json');
  writeFileSync(a, text(baseProcess()));
  writeFileSync(b, text(baseProcess()));
  const r = await validateFiles([a, b, join(dir, 'none.oftp2.json')]);
  assert.deepEqual(r.diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${d.code}`), ['a.oftp2.json:duplicate-listener-credentials', 'b.oftp2.json:duplicate-listener-credentials', 'none.oftp2.json:file-unreadable']);
  assert.equal(r.errors, 3);
  assert.match(formatDiagnostic(r.diagnostics[2]!), /none\.oftp2\.json:1:1: error file-unreadable cannot read the file: ENOENT/);
  assert.deepEqual(await validateFiles([a]), { diagnostics: [], errors: 0 });
});
