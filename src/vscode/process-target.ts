// Which process file a command acts on: the one given, else the one in the active editor (visual or text),
// else one open in any editor group, else the workspace's only process, else the user picks one. Commands
// run from the Welcome page's walkthrough or the palette with another editor in front still find it.
import * as vscode from 'vscode';

export const isProcess = (uri?: vscode.Uri): uri is vscode.Uri => !!uri && uri.path.endsWith('.oftp2.json');

function tabUri(tab: vscode.Tab | undefined): vscode.Uri | undefined {
  const input = tab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}

/** The process in the active editor, without asking. */
export function activeProcess(): vscode.Uri | undefined {
  const text = vscode.window.activeTextEditor?.document.uri;
  if (isProcess(text)) return text;
  const active = tabUri(vscode.window.tabGroups.activeTabGroup.activeTab);
  return isProcess(active) ? active : undefined;
}

/** The process a command should act on (see the file's first lines); undefined when there is none or the pick is cancelled. */
export async function processTarget(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (isProcess(uri)) return uri;
  const active = activeProcess();
  if (active) return active;
  const open = vscode.window.tabGroups.all.flatMap((g) => [g.activeTab, ...g.tabs]).map(tabUri).find(isProcess);
  if (open) return open;
  const files = await vscode.workspace.findFiles('**/*.oftp2.json', '**/node_modules/**', 50);
  if (files.length <= 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })).sort((a, b) => a.label.localeCompare(b.label)),
    { title: vscode.l10n.t('OFTP2: which process?') },
  );
  return picked?.uri;
}
