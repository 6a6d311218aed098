/**
 * Entry point of the agent-ls extension: wires the server controller, the status bar item, the
 * output channel and the commands together. The logic lives in small modules beside this one.
 */

import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';

import { registerApiKeyCommands } from './apiKeyCommands';
import type { AgentLsClient } from './client';
import { ClientCommand, SERVER_CHECK_WORKSPACE, SERVER_PERSONA_RUN, describeCheckResult } from './commands';
import { EditPreview } from './editPreview';
import { registerPersonaCommands } from './personaCommands';
import { runPersona } from './personaRun';
import { LIST_COMMAND, type PersonaRunArgument, describeCommandError, personaChoices, personaRunArgument } from './personas';
import { ServerController, errorMessage } from './server';
import { needsRestart } from './settings';
import { ServerStatus } from './status';

let controller: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('agent-ls', { log: true });
  const status = new ServerStatus();
  const item = vscode.window.createStatusBarItem('agentLs.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'agent-ls';
  const render = (): void => {
    const view = status.view();
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.command = view.command;
    item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  };
  const unsubscribe = status.onDidChange(render);
  render();
  item.show();

  const preview = new EditPreview();
  const server = new ServerController(output, status, context, preview);
  controller = server;
  context.subscriptions.push(
    output,
    item,
    preview,
    { dispose: unsubscribe },
    vscode.commands.registerCommand(ClientCommand.restartServer, () => server.restart()),
    vscode.commands.registerCommand(ClientCommand.showOutput, () => output.show()),
    vscode.commands.registerCommand(ClientCommand.checkWorkspace, () => checkWorkspace(server, output)),
    vscode.commands.registerCommand(ClientCommand.runPersonaAction, () => runPersonaAction(server, output)),
    vscode.commands.registerCommand(ClientCommand.installServer, () => server.install()),
    ...registerApiKeyCommands(context.secrets, server, output),
    // The server's code actions carry this command: run it with a progress notification.
    vscode.commands.registerCommand(SERVER_PERSONA_RUN, (argument: PersonaRunArgument) => {
      const client = runningClient(server, output);
      return client === undefined ? undefined : runPersona(client, argument, output);
    }),
    ...registerPersonaCommands(() => runningClient(server, output), output),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void server.client?.notifyTrusted();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        output.info('Server settings changed: restarting the server');
        void server.restart();
      }
    }),
  );
  void server.start().then(() => {
    const watcher = server.watchPythonExtension();
    if (watcher !== undefined) {
      context.subscriptions.push(watcher);
    }
  });
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

/** Returns the running client, or tells the user the server is not running and returns undefined. */
function runningClient(server: ServerController, output: vscode.LogOutputChannel): AgentLsClient | undefined {
  const client = server.client;
  if (client === undefined) {
    void vscode.window.showErrorMessage('agent-ls: the server is not running.', 'Show Output', 'Restart').then((picked) => {
      if (picked === 'Show Output') {
        output.show();
      } else if (picked === 'Restart') {
        void server.restart();
      }
    });
  }
  return client;
}

async function executeServerCommand(client: AgentLsClient, command: string, args: unknown[]): Promise<unknown> {
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

async function checkWorkspace(server: ServerController, output: vscode.LogOutputChannel): Promise<void> {
  const client = runningClient(server, output);
  if (client === undefined) {
    return;
  }
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'agent-ls: checking the workspace' },
      () => executeServerCommand(client, SERVER_CHECK_WORKSPACE, []),
    );
    void vscode.window.showInformationMessage(describeCheckResult(result));
  } catch (error) {
    output.error(`${SERVER_CHECK_WORKSPACE}: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(describeCommandError(SERVER_CHECK_WORKSPACE, error));
  }
}

async function runPersonaAction(server: ServerController, output: vscode.LogOutputChannel): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.selection.isEmpty) {
    void vscode.window.showInformationMessage('agent-ls: select some code first, then run a persona action on it.');
    return;
  }
  const client = runningClient(server, output);
  if (client === undefined) {
    return;
  }
  const { document, selection } = editor;
  const command = LIST_COMMAND;
  try {
    const choices = personaChoices(await executeServerCommand(client, LIST_COMMAND, []));
    if (choices.length === 0) {
      void vscode.window.showInformationMessage('agent-ls: no persona actions are available.');
      return;
    }
    const picked = await vscode.window.showQuickPick(choices, {
      title: 'agent-ls: persona action',
      placeHolder: 'Pick an agent and an action for the selection',
      matchOnDescription: true,
    });
    if (picked === undefined) {
      return;
    }
    const argument = personaRunArgument(
      client.code2ProtocolConverter.asUri(document.uri),
      client.code2ProtocolConverter.asRange(selection),
      picked,
      document.version,
    );
    await runPersona(client, argument, output);
  } catch (error) {
    output.error(`${command}: ${errorMessage(error)}`);
    void vscode.window.showErrorMessage(describeCommandError(command, error));
  }
}
