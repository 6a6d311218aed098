/**
 * "agent-ls: Set Anthropic API Key" and "Clear Anthropic API Key": the key lives in VS Code's
 * secret storage (the OS keychain where there is one) and reaches the server at its next start,
 * through the environment variable `agentLs.personas.apiKeyEnv` names. Neither logs the key.
 */

import * as vscode from 'vscode';

import { API_KEY_SECRET, apiKeyVariable, validateApiKey } from './apiKey';
import { ClientCommand } from './commands';
import type { ServerController } from './server';

export function registerApiKeyCommands(
  secrets: vscode.SecretStorage,
  server: ServerController,
  output: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const variable = (): string => apiKeyVariable(vscode.workspace.getConfiguration('agentLs').get('personas.apiKeyEnv'));
  return [
    vscode.commands.registerCommand(ClientCommand.setApiKey, async () => {
      const key = await vscode.window.showInputBox({
        title: 'agent-ls: Anthropic API key',
        prompt: `Stored in VS Code's secret storage; the server gets it as ${variable()}.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: validateApiKey,
      });
      if (key === undefined) {
        return;
      }
      await secrets.store(API_KEY_SECRET, key.trim());
      output.info(`API key stored in secret storage; restarting the server to pass it as ${variable()}`);
      await server.restart();
      void vscode.window.showInformationMessage(`agent-ls: API key stored. The server now gets it as ${variable()}.`);
    }),
    vscode.commands.registerCommand(ClientCommand.clearApiKey, async () => {
      await secrets.delete(API_KEY_SECRET);
      output.info('API key removed from secret storage; restarting the server');
      await server.restart();
      void vscode.window.showInformationMessage(
        `agent-ls: API key removed. The server reads ${variable()} from the editor's environment, if set there.`,
      );
    }),
  ];
}
