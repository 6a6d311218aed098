/**
 * Runs a persona server command (`agentLs.persona.run`, `agentLs.persona.followUp`) under a
 * progress notification with a Cancel button. The extension gives the server its own progress
 * token (argument `workDoneToken`), so the server's progress lands in this notification and
 * nowhere else; Cancel cancels the request, which stops the answer's stream and applies nothing.
 * A cancel is the user's choice, not an error: it is logged as information.
 */

import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress } from 'vscode-languageclient/node';

import type { AgentLsClient } from './client';
import { PersonaProgressText, type PersonaRunArgument, RUN_COMMAND, type WorkDoneProgressValue, describeCommandError } from './personas';

let runs = 0;

export async function runPersona(client: AgentLsClient, argument: PersonaRunArgument, output: vscode.LogOutputChannel): Promise<void> {
  await runWithProgress(client, RUN_COMMAND, { ...argument }, `${argument.agent}: ${argument.action}`, output);
}

/** Runs `command` with its one `argument` (given the progress token); returns its result, undefined when cancelled or failed. */
export async function runWithProgress(
  client: AgentLsClient,
  command: string,
  argument: Record<string, unknown>,
  label: string,
  output: vscode.LogOutputChannel,
): Promise<unknown> {
  const token = `agentLs.persona.${process.pid}.${++runs}`;
  return vscode.window.withProgress(
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
        const params = { command, arguments: [{ ...argument, workDoneToken: token }], workDoneToken: token };
        const result = await client.sendRequest(ExecuteCommandRequest.type, params, cancellation);
        if (cancellation.isCancellationRequested) {
          output.info(`${label}: cancelled, nothing was applied`);
          return undefined;
        }
        return result;
      } catch (error) {
        if (cancellation.isCancellationRequested || error instanceof vscode.CancellationError) {
          output.info(`${label}: cancelled, nothing was applied`);
          return undefined;
        }
        output.error(`${command} (${label}): ${error instanceof Error ? error.message : String(error)}`);
        void vscode.window.showErrorMessage(describeCommandError(command, error));
        return undefined;
      } finally {
        listener.dispose();
      }
    },
  );
}
