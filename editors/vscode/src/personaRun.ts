/**
 * Runs the server command `agentLs.persona.run` under a progress notification with a Cancel
 * button. The extension gives the server its own progress token (argument `workDoneToken`), so the
 * server's progress lands in this notification and nowhere else; Cancel cancels the request, which
 * stops the answer's stream and applies nothing. A cancel is the user's choice, not an error: it is
 * logged as information.
 */

import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress } from 'vscode-languageclient/node';

import type { AgentLsClient } from './client';
import { PersonaProgressText, type PersonaRunArgument, RUN_COMMAND, type WorkDoneProgressValue, describeCommandError } from './personas';

let runs = 0;

export async function runPersona(client: AgentLsClient, argument: PersonaRunArgument, output: vscode.LogOutputChannel): Promise<void> {
  const token = `agentLs.persona.${process.pid}.${++runs}`;
  const label = `${argument.agent}: ${argument.action}`;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'agent-ls', cancellable: true },
    async (progress, cancellation) => {
      const text = new PersonaProgressText();
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        const message = text.next(value as WorkDoneProgressValue);
        if (message !== undefined) {
          progress.report({ message });
        }
      });
      try {
        const params = { command: RUN_COMMAND, arguments: [{ ...argument, workDoneToken: token }], workDoneToken: token };
        await client.sendRequest(ExecuteCommandRequest.type, params, cancellation);
        if (cancellation.isCancellationRequested) {
          output.info(`${label}: cancelled, nothing was applied`);
        }
      } catch (error) {
        if (cancellation.isCancellationRequested || error instanceof vscode.CancellationError) {
          output.info(`${label}: cancelled, nothing was applied`);
          return;
        }
        output.error(`${RUN_COMMAND} (${label}): ${error instanceof Error ? error.message : String(error)}`);
        void vscode.window.showErrorMessage(describeCommandError(RUN_COMMAND, error));
      } finally {
        listener.dispose();
      }
    },
  );
}
