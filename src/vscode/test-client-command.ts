// "OFTP2: Send Test File…": plays a trading partner of a workspace process against the running debug server
// (or any OFTP2 server): pick the file, the partner, the server and the options; a progress notification
// while it runs; the EERP/NERP in words at the end; its session goes to the trace panel like any other.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { TraceSink } from '../oftp/trace';
import type { SecretResolver } from '../process/secrets';
import type { TestClientOptions, TestClientOutcome } from '../process/test-client';
import { engine } from './lazy';

/** Servers started by debug sessions, for the target picker. */
export interface ListeningServers {
  list(): Array<{ host: string; port: number; tls: boolean }>;
}

const LAST = 'oftp2.testClient.last';

type Option = 'compress' | 'sign' | 'encrypt' | 'zlib' | 'signedEerp' | 'secureAuthentication' | 'tls';

export function registerTestClient(context: vscode.ExtensionContext, resolveSecret: SecretResolver, servers: ListeningServers, trace: () => TraceSink | undefined): vscode.Disposable {
  return vscode.commands.registerCommand('oftp2.sendTestFile', async (given?: Partial<TestClientOptions>): Promise<TestClientOutcome | undefined> => {
    const last = context.workspaceState.get<Partial<TestClientOptions>>(LAST) ?? {};
    const options = given?.file && given.processFile && given.port ? (given as TestClientOptions) : await ask({ ...last, ...given }, servers);
    if (!options) return undefined;
    await context.workspaceState.update(LAST, { ...options, file: options.file });
    const sink = trace();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('OFTP2: sending {0} to {1}:{2}', basename(options.file), options.host, options.port), cancellable: false },
      async (progress) => {
        const label: Record<string, string> = { connected: 'connected', negotiated: 'session started', authenticated: 'authenticated', 'file-sent': 'file sent, waiting for the EERP', 'receipt-received': 'receipt received' };
        const t: TraceSink = (r) => {
          sink?.(r);
          if (r.direction === 'event' && label[r.command]) progress.report({ message: label[r.command] });
        };
        try {
          return await engine().sendTestFile({ ...options, trace: t }, resolveSecret);
        } catch (e) {
          return { ok: false, message: (e as Error).message, result: { ok: false, files: [], sessions: [] } } satisfies TestClientOutcome;
        }
      },
    );
    if (!given?.file) {
      if (outcome.ok) void vscode.window.showInformationMessage(vscode.l10n.t('OFTP2: {0}', outcome.message));
      else void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: {0}', outcome.message));
    }
    return outcome;
  });
}

async function ask(last: Partial<TestClientOptions>, servers: ListeningServers): Promise<TestClientOptions | undefined> {
  // 1. The partner to play, from the workspace's processes.
  const { readProcess, partnersOf } = engine();
  const processes = await vscode.workspace.findFiles('**/*.oftp2.json', '**/node_modules/**', 200);
  const partnerItems: Array<vscode.QuickPickItem & { processFile: string; partner: string }> = [];
  for (const uri of processes) {
    try {
      const loaded = await readProcess(uri.fsPath);
      for (const p of await partnersOf(loaded)) {
        partnerItems.push({ label: `$(person) ${p.name}`, description: `${p.odetteId} → ${loaded.process.start.myCompany.odetteId}`, detail: `${loaded.process.name} (${vscode.workspace.asRelativePath(uri)})`, processFile: uri.fsPath, partner: p.odetteId });
      }
    } catch {
      // A process that does not parse has no partners to play; the Problems panel says why.
    }
  }
  if (!partnerItems.length) {
    void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: no process with trading partners in the workspace; create one with "OFTP2: New Process".'));
    return undefined;
  }
  const pickedPartner = await vscode.window.showQuickPick(
    partnerItems.sort((a, b) => Number(b.processFile === last.processFile && b.partner === last.partner) - Number(a.processFile === last.processFile && a.partner === last.partner)),
    { title: vscode.l10n.t('OFTP2 test client (1/4): which trading partner to play'), matchOnDescription: true, matchOnDetail: true },
  );
  if (!pickedPartner) return undefined;

  // 2. The file.
  const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('OFTP2 test client (2/4): file to send'), canSelectMany: false, ...(last.file ? { defaultUri: vscode.Uri.file(last.file) } : {}) });
  const file = picked?.[0]?.fsPath;
  if (!file) return undefined;

  // 3. The server: one of the debug sessions, or any host:port.
  const running = servers.list();
  const targetItems: Array<vscode.QuickPickItem & { host?: string; port?: number; tls?: boolean }> = [
    ...running.map((s) => ({ label: `$(radio-tower) ${s.host}:${s.port}`, description: `debug server${s.tls ? ', TLS' : ''}`, host: s.host, port: s.port, tls: s.tls })),
    { label: '$(globe) Another OFTP2 server…', description: 'host:port' },
  ];
  const target = await vscode.window.showQuickPick(targetItems, { title: vscode.l10n.t('OFTP2 test client (3/4): where to send') });
  if (!target) return undefined;
  let host = target.host;
  let port = target.port;
  let tls = !!target.tls;
  if (!host) {
    const typed = await vscode.window.showInputBox({ title: vscode.l10n.t('OFTP2 server'), prompt: vscode.l10n.t('host:port (3305 plain, 6619 TLS)'), value: last.host ? `${last.host}:${last.port}` : '127.0.0.1:3305', validateInput: (v) => (/^[^\s:]+:\d{1,5}$/.test(v) ? undefined : 'host:port') });
    if (!typed) return undefined;
    [host, port] = [typed.slice(0, typed.lastIndexOf(':')), Number(typed.slice(typed.lastIndexOf(':') + 1))];
    tls = port === 6619;
  }

  // 4. Options.
  const all: Array<vscode.QuickPickItem & { key: Option }> = [
    { key: 'compress', label: 'Buffer compression', description: 'SSIDCMPR' },
    { key: 'sign', label: 'Sign the file', description: "CMS SignedData with the partner's key" },
    { key: 'encrypt', label: 'Encrypt the file', description: "CMS EnvelopedData to My Company's decryption certificate" },
    { key: 'zlib', label: 'Compress the file (CMS, ZLIB)' },
    { key: 'signedEerp', label: 'Ask for a signed EERP', description: "verified with My Company's acknowledgment signing certificate" },
    { key: 'secureAuthentication', label: 'Secure authentication', description: 'SSIDAUTH: SECD, AUCH, AURP' },
    { key: 'tls', label: 'TLS', description: 'session level encryption' },
  ];
  const chosen = await vscode.window.showQuickPick(
    all.map((o) => ({ ...o, picked: o.key === 'tls' ? tls : !!last[o.key] })),
    { title: vscode.l10n.t('OFTP2 test client (4/4): options'), canPickMany: true },
  );
  if (!chosen) return undefined;
  const on = new Set(chosen.map((c) => c.key));
  return {
    file,
    host: host!,
    port: port!,
    processFile: pickedPartner.processFile,
    partner: pickedPartner.partner,
    compress: on.has('compress'),
    sign: on.has('sign'),
    encrypt: on.has('encrypt'),
    zlib: on.has('zlib'),
    signedEerp: on.has('signedEerp'),
    secureAuthentication: on.has('secureAuthentication'),
    tls: on.has('tls'),
    cipherSuite: last.cipherSuite ?? 2,
  };
}
