// Wires the `oftp2` debugger into VS Code: launch configurations (the active process by default, runtime-level
// server settings from the `oftp2.server.*` settings, overridable per launch), the inline adapter running
// in the extension host, secrets from SecretStorage (asked for once when missing), a status bar item while
// the server listens, and the custom events the canvas and the trace panel follow.
import * as vscode from 'vscode';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from '../../process/model';
import { envSecretResolver, secretEnvName, type SecretResolver } from '../../process/secrets';
import { engine } from '../lazy';
import type { OftpLaunchArguments } from './oftp-debug-session';
import { activeProcess, processTarget } from '../process-target';

export const DEBUG_TYPE = 'oftp2';

/** Events of running debug sessions, for the canvas (step counts) and the trace panel. */
export interface DebugEvents {
  onEvent: vscode.Event<{ session: vscode.DebugSession; event: string; body: any }>;
  /** Servers of running debug sessions (the test client offers them). */
  servers: { list(): Array<{ host: string; port: number; tls: boolean }> };
  resolveSecret: SecretResolver;
}

/** The runtime-level settings: VS Code settings, then what the launch configuration overrides. */
export function serverSettings(folder: vscode.WorkspaceFolder | undefined, overrides: Partial<ServerSettings> = {}): ServerSettings {
  const c = vscode.workspace.getConfiguration('oftp2.server', folder?.uri);
  const pick = <K extends keyof ServerSettings>(key: K): ServerSettings[K] => (overrides[key] ?? c.get<ServerSettings[K]>(key) ?? DEFAULT_SERVER_SETTINGS[key]) as ServerSettings[K];
  const certificate = overrides.serverCertificate ?? c.get<ServerSettings['serverCertificate'] | null>('serverCertificate') ?? undefined;
  return {
    host: pick('host'),
    port: pick('port'),
    tls: pick('tls'),
    requireClientCertificate: pick('requireClientCertificate'),
    ...(certificate ? { serverCertificate: certificate } : {}),
    cipherSuite: pick('cipherSuite'),
    requireSecureAuthentication: pick('requireSecureAuthentication'),
    inbox: pick('inbox'),
  };
}

/** SecretStorage first, then OFTP2_SECRET_* variables; a missing one is asked for and stored. */
export function extensionSecretResolver(secrets: vscode.SecretStorage): SecretResolver {
  const env = envSecretResolver();
  return async (name) => {
    const stored = (await secrets.get(name)) ?? (await env(name));
    if (stored !== undefined) return stored;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('OFTP2: secret "{0}"', name),
      prompt: vscode.l10n.t('A process refers to {"secret": "{0}"}. Its value is stored in VS Code\'s secret storage (or set {1}).', name, secretEnvName(name)),
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return undefined;
    await secrets.store(name, value);
    return value;
  };
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Debug OFTP2 process', processes: ['${file}'] }];
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    // F5 without a launch.json: debug the process in the active editor (or the one to pick).
    if (!config.type && !config.request && !config.name) {
      const active = await processTarget();
      if (!active) {
        void vscode.window.showInformationMessage(vscode.l10n.t('OFTP2: open a process (*.oftp2.json) to debug it.'));
        return undefined;
      }
      config = { type: DEBUG_TYPE, request: 'launch', name: 'Debug OFTP2 process', processes: [active.fsPath] };
    }
    const base = folder ?? (activeProcess() ? vscode.workspace.getWorkspaceFolder(activeProcess()!) : vscode.workspace.workspaceFolders?.[0]);
    let processes: string[] = config.processes ?? (config.process ? [config.process] : []);
    if (!processes.length) {
      const active = activeProcess();
      if (active) processes = [active.fsPath];
    }
    processes = processes.map((p) => (p === '${file}' ? activeProcess()?.fsPath ?? p : p));
    if (!processes.length || processes.some((p) => p.includes('${'))) {
      void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: no process to debug: set "processes" in the launch configuration or open a *.oftp2.json file.'));
      return undefined;
    }
    const { host, port, tls, requireClientCertificate, serverCertificate, cipherSuite, requireSecureAuthentication, inbox } = config;
    const overrides = Object.fromEntries(Object.entries({ host, port, tls, requireClientCertificate, serverCertificate, cipherSuite, requireSecureAuthentication, inbox }).filter(([, v]) => v !== undefined)) as Partial<ServerSettings>;
    const cwd = base?.uri.fsPath ?? vscode.Uri.joinPath(vscode.Uri.file(processes[0]!), '..').fsPath;
    const launch: OftpLaunchArguments & vscode.DebugConfiguration = { ...config, type: DEBUG_TYPE, request: 'launch', name: config.name ?? 'Debug OFTP2 process', processes, cwd, server: serverSettings(base, overrides) };
    return launch;
  }
}

export function registerDebugger(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): DebugEvents {
  const resolveSecret = extensionSecretResolver(context.secrets);
  const emitter = new vscode.EventEmitter<{ session: vscode.DebugSession; event: string; body: any }>();
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.name = 'OFTP2 server';
  const listening = new Map<string, string>();
  const addresses = new Map<string, { host: string; port: number; tls: boolean }>();
  const showStatus = (): void => {
    if (!listening.size) return status.hide();
    status.text = `$(radio-tower) OFTP2 ${[...listening.values()].join(', ')}`;
    status.tooltip = 'The embedded OFTP2 server of the debug session is listening';
    status.show();
  };
  context.subscriptions.push(
    emitter,
    status,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      {
        // The Run and Debug view offers every process of the workspace without a launch.json.
        async provideDebugConfigurations() {
          const files = await vscode.workspace.findFiles('**/*.oftp2.json', '**/node_modules/**', 50);
          return files.map((f) => ({ type: DEBUG_TYPE, request: 'launch', name: `Debug ${vscode.workspace.asRelativePath(f)}`, processes: [f.fsPath] }));
        },
      },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new (engine().OftpDebugSession)({ resolveSecret })),
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE) return;
      if (e.event === 'oftp/listening') {
        listening.set(e.session.id, `listening on ${e.body.host}:${e.body.port}${e.body.tls ? ' (TLS)' : ''}`);
        addresses.set(e.session.id, { host: e.body.host, port: e.body.port, tls: !!e.body.tls });
        log.info(`server listening on ${e.body.host}:${e.body.port}${e.body.tls ? ' (TLS)' : ''}`);
        showStatus();
      } else if (e.event === 'oftp/stopped') {
        listening.delete(e.session.id);
        addresses.delete(e.session.id);
        log.info('server stopped');
        showStatus();
      } else if (e.event === 'oftp/trace' && e.body.direction === 'event') {
        const line = `${e.body.session} ${e.body.command}: ${e.body.summary}`;
        if (e.body.reason && e.body.reason.code !== 0) log.warn(line);
        else log.info(line);
      }
      emitter.fire({ session: e.session, event: e.event, body: e.body });
    }),
    vscode.debug.onDidTerminateDebugSession((s) => {
      addresses.delete(s.id);
      if (listening.delete(s.id)) showStatus();
    }),
    vscode.commands.registerCommand('oftp2.debugProcess', (uri?: vscode.Uri) => start(uri, false)),
    vscode.commands.registerCommand('oftp2.runProcess', (uri?: vscode.Uri) => start(uri, true)),
  );
  return { onEvent: emitter.event, servers: { list: () => [...addresses.values()] }, resolveSecret };
}

async function start(uri: vscode.Uri | undefined, noDebug: boolean): Promise<boolean> {
  const target = await processTarget(uri);
  if (!target) {
    void vscode.window.showErrorMessage(vscode.l10n.t('OFTP2: open a process (*.oftp2.json) first.'));
    return false;
  }
  const folder = vscode.workspace.getWorkspaceFolder(target);
  return vscode.debug.startDebugging(folder, { type: DEBUG_TYPE, request: 'launch', name: `${noDebug ? 'Run' : 'Debug'} ${target.path.split('/').pop()}`, processes: [target.fsPath] }, { noDebug });
}
