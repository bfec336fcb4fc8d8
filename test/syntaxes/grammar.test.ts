// Runs the TextMate grammar tests (test/syntaxes/*.test.oftptrace) through vscode-tmgrammar-test inside the
// normal node --test run, and checks that a wrong scope assertion really fails, so a green run means something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/files';

const TOOL = join(ROOT, 'node_modules/vscode-tmgrammar-test/dist/unit.js');
const GRAMMAR = join(ROOT, 'syntaxes/oftptrace.tmLanguage.json');

function runGrammarTests(pattern: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TOOL, '--compact', '-g', GRAMMAR, pattern], { cwd: ROOT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

test('the .oftptrace grammar gives every token the scope its test file expects', async () => {
  const r = await runGrammarTests('test/syntaxes/*.test.oftptrace');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /trace\.test\.oftptrace/);
});

test('a wrong scope assertion fails the grammar tests', async () => {
  const dir = tempDir('grammar');
  const file = join(dir, 'wrong.test.oftptrace');
  writeFileSync(
    file,
    [
      '# SYNTAX TEST "source.oftptrace" "deliberately wrong"',
      '2026-11-28T15:51:19.887Z S3 -> SFNA  refused: 13 Duplicate file, retry N',
      '#                              ^^^^ entity.name.function.command.oftptrace',
      '',
    ].join('\n'),
  );
  const r = await runGrammarTests(file);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /entity\.name\.function\.command\.oftptrace/);
});

test('package.json contributes the language, its configuration and the grammar', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const language = pkg.contributes.languages.find((l: { id: string }) => l.id === 'oftptrace');
  assert.deepEqual(language.extensions, ['.oftptrace']);
  assert.ok(language.aliases.includes('OFTP2 Trace'));
  const config = JSON.parse(readFileSync(join(ROOT, language.configuration), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  const grammar = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'oftptrace');
  assert.equal(grammar.scopeName, 'source.oftptrace');
  assert.equal(JSON.parse(readFileSync(join(ROOT, grammar.path), 'utf8')).scopeName, 'source.oftptrace');
});
