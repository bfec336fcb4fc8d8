// F5 on a process inside a real VS Code: the debug adapter starts the embedded OFTP2 server with the example
// processes, the real command-line client sends files from outside, the Session Trace panel's store gets
// every command, a breakpoint on a step pauses the document (its virtual file name in Variables) until
// continue, a wrong password shows ESID 04, the test client command sends a signed and encrypted file and
// verifies the signed EERP, and stopping the session frees the port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { ExtensionApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'oftp2-studio.oftp2-studio';

async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function cli(extensionPath: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(extensionPath, 'dist', 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

suite('Debug run: F5 on a process', () => {
  let api: ExtensionApi;
  let extensionPath: string;
  let workspace: vscode.Uri;
  let session: vscode.DebugSession;
  let port = 0;
  const forecasts = (): vscode.Uri => vscode.Uri.joinPath(workspace, 'forecasts-and-invoices.oftp2.json');
  const secure = (): vscode.Uri => vscode.Uri.joinPath(workspace, 'secure-engineering-data.oftp2.json');
  const send = (file: string, local: string, dsn: string, extra: string[] = []) =>
    cli(extensionPath, ['send', join(workspace.fsPath, 'files', file), '--to', `127.0.0.1:${port}`, '--local', local, '--partner', 'O0013SUPPLIER:SUPPW', '--dsn', dsn, '--wait-eerp', '30', ...extra]);

  suiteSetup(async function () {
    this.timeout(90_000);
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    api = await ext.activate();
    extensionPath = ext.extensionPath;
    workspace = vscode.workspace.workspaceFolders![0]!.uri;
    const listening = new Promise<{ port: number }>((resolve) => {
      const sub = api.debug.onEvent(({ event, body }) => {
        if (event === 'oftp/listening') {
          sub.dispose();
          resolve(body);
        }
      });
    });
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], { type: 'oftp2', request: 'launch', name: 'harness', processes: [forecasts().fsPath, secure().fsPath], port: 0 });
    assert.equal(started, true, 'the debug session starts');
    port = (await listening).port;
    session = vscode.debug.activeDebugSession!;
    assert.equal(session.type, 'oftp2');
  });

  suiteTeardown(async () => {
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
  });

  test('a file sent from outside by the CLI client is processed; the trace store holds every command of the session', async function () {
    this.timeout(60_000);
    const before = api.trace.store.size;
    const r = await send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:AUTOPW', 'DELFOR.VSCODE.1');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /EERP received/);
    const commands = await eventually('the trace of the session', () => {
      const seen = new Set<string>();
      for (let i = before; i < api.trace.store.size; i++) seen.add(api.trace.store.row(i)!.record.command);
      return ['SSRM', 'SSID', 'SFID', 'SFPA', 'DATA', 'EFID', 'EFPA', 'CD', 'EERP', 'ESID'].every((c) => seen.has(c)) ? seen : undefined;
    });
    assert.ok(commands.has('RTR'));
  });

  test('a breakpoint on a step pauses the document there: its virtual file name in Variables; continue finishes it and the EERP arrives', async function () {
    this.timeout(90_000);
    const text = readFileSync(forecasts().fsPath, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"id": "store-forecast"'));
    assert.ok(line > 0);
    const bp = new vscode.SourceBreakpoint(new vscode.Location(forecasts(), new vscode.Position(line, 0)));
    vscode.debug.addBreakpoints([bp]);
    try {
      // Give the adapter the breakpoint before the file arrives.
      await new Promise((r) => setTimeout(r, 1000));
      const client = send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:AUTOPW', 'DELFOR.VSCODE.2');
      const paused = await eventually('a paused document', async () => {
        const { threads } = (await session.customRequest('threads')) as { threads: Array<{ id: number }> };
        for (const t of threads) {
          const st = (await session.customRequest('stackTrace', { threadId: t.id })) as { stackFrames: Array<{ id: number; name: string; line: number }> };
          if (st.stackFrames.length) return { threadId: t.id, frame: st.stackFrames[0]! };
        }
        return undefined;
      });
      assert.match(paused.frame.name, /Store forecast/);
      // The frame points at the step's object: the `{` line above its id (1-based for the client).
      const lines = text.split('\n');
      let open = line;
      while (open > 0 && !lines[open]!.trim().startsWith('{')) open--;
      assert.equal(paused.frame.line, open + 1);
      const { scopes } = (await session.customRequest('scopes', { frameId: paused.frame.id })) as { scopes: Array<{ name: string; variablesReference: number }> };
      const docScope = scopes.find((s) => s.name === 'Document')!;
      const { variables } = (await session.customRequest('variables', { variablesReference: docScope.variablesReference })) as { variables: Array<{ name: string; value: string }> };
      assert.equal(variables.find((v) => v.name === 'virtualFileName')?.value, '"DELFOR.VSCODE.2"');
      assert.equal(variables.find((v) => v.name === 'document.type')?.value, '"DELFOR"');
      // While paused, the partner has no EERP yet.
      const early = await Promise.race([client.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), 1500))]);
      assert.equal(early, 'waiting');
      await session.customRequest('continue', { threadId: paused.threadId });
      const r = await client;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /EERP received/);
    } finally {
      vscode.debug.removeBreakpoints([bp]);
    }
  });

  test('a wrong password is refused with ESID 04, explained in the trace', async function () {
    this.timeout(30_000);
    const before = api.trace.store.size;
    const r = await send('DELFOR_OEMAUTO.edi', 'O0013OEMAUTO:WRONG', 'DELFOR.VSCODE.3');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ESID 04/);
    const esid = await eventually('ESID 04 in the trace', () => {
      for (let i = before; i < api.trace.store.size; i++) {
        const rec = api.trace.store.row(i)!.record;
        if (rec.command === 'ESID' && rec.reason?.code === 4) return rec;
      }
      return undefined;
    });
    assert.match(esid.reason!.text, /Invalid password/);
  });

  test('the test client command sends a signed and encrypted file with secure authentication and verifies the signed EERP', async function () {
    this.timeout(60_000);
    const outcome = (await vscode.commands.executeCommand('oftp2.sendTestFile', {
      file: join(workspace.fsPath, 'files', 'INVOIC_OEMTRUCKS.edi'),
      host: '127.0.0.1',
      port,
      processFile: secure().fsPath,
      datasetName: 'ECN.VSCODE.1',
      sign: true,
      encrypt: true,
      signedEerp: true,
      secureAuthentication: true,
      cipherSuite: 4,
    })) as { ok: boolean; message: string };
    assert.equal(outcome.ok, true, outcome.message);
    assert.match(outcome.message, /EERP received, signature verified/);
    assert.ok(api.trace.store.records().some((r) => r.session.startsWith('client ') && r.command === 'AURP'), 'the test client session is in the trace, with secure authentication');
  });

  test('stopping the debug session stops the server and frees the port', async function () {
    this.timeout(30_000);
    await vscode.debug.stopDebugging(session);
    await eventually('the port to be free', () =>
      new Promise<boolean>((resolve) => {
        const s = connect({ host: '127.0.0.1', port }, () => {
          s.destroy();
          resolve(false);
        });
        s.on('error', () => resolve(true));
      }),
    );
  });
});
