// Extension entry point: registers OFTP2 Studio's commands. For now one: decode a captured OFTP stream
// file into an output channel, using the same engine as `oftp2 decode`.
import * as vscode from 'vscode';
import { readCapture } from '../oftp/capture';
import { summarizeCommand } from '../oftp/codec/describe';
import { OftpStreamDecoder } from '../oftp/stream-decoder';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('OFTP2');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('oftp2.decodeCapture', async (uri?: vscode.Uri) => {
      const target = uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'OFTP capture (binary or hex dump)' }))?.[0];
      if (!target) return;
      const bytes = Buffer.from(await vscode.workspace.fs.readFile(target));
      output.clear();
      output.show(true);
      try {
        const decoder = new OftpStreamDecoder();
        decoder.push(readCapture(bytes).data, (e) =>
          output.appendLine(`#${e.index} @${e.streamOffset} ${e.decoded.command.type} ${summarizeCommand(e.decoded.command)}`));
        decoder.end();
      } catch (e) {
        output.appendLine(`error: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`OFTP2: ${(e as Error).message}`);
      }
    }),
  );
}

export function deactivate(): void {}
