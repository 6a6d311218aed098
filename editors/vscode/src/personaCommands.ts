/**
 * The persona commands the extension registers itself: the QuickPick of an agent's actions
 * behind its entry in a long code-action list (`agentLs.persona.choose`), and the Command Palette
 * entries (follow-up on a report with an input box, the kept reports, clearing review findings,
 * why agents are not offered). Each sends the server command of the same id.
 */

import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';

import type { AgentLsClient } from './client';
import { ClientCommand, SERVER_PERSONA_CHOOSE } from './commands';
import { runPersona, runWithProgress } from './personaRun';
import {
  LIST_COMMAND,
  type ReportChoice,
  agentActionChoices,
  asChooseArgument,
  describeCommandError,
  notOffered,
  reportChoices,
} from './personas';

/** Returns the running client (or undefined, having told the user). */
export type ClientGetter = () => AgentLsClient | undefined;

export function registerPersonaCommands(client: ClientGetter, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const guarded =
    (command: string, run: (client: AgentLsClient, argument: unknown) => Promise<void>) =>
    async (argument: unknown): Promise<void> => {
      const running = client();
      if (running === undefined) {
        return;
      }
      try {
        await run(running, argument);
      } catch (error) {
        output.error(`${command}: ${error instanceof Error ? error.message : String(error)}`);
        void vscode.window.showErrorMessage(describeCommandError(command, error));
      }
    };
  return [
    vscode.commands.registerCommand(SERVER_PERSONA_CHOOSE, guarded(SERVER_PERSONA_CHOOSE, (c, a) => choose(c, a, output))),
    vscode.commands.registerCommand(ClientCommand.personaFollowUp, guarded(ClientCommand.personaFollowUp, (c, a) => followUp(c, a, output))),
    vscode.commands.registerCommand(ClientCommand.personaReports, guarded(ClientCommand.personaReports, (c) => showReports(c))),
    vscode.commands.registerCommand(ClientCommand.personaClearFindings, guarded(ClientCommand.personaClearFindings, (c) => clearFindings(c))),
    vscode.commands.registerCommand(ClientCommand.personaNotOffered, guarded(ClientCommand.personaNotOffered, (c) => whyNotOffered(c))),
  ];
}

function execute(client: AgentLsClient, command: string, args: unknown[] = []): Promise<unknown> {
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

/** "Ask reviewer…": a QuickPick of the agent's actions, then the run under a progress notification. */
async function choose(client: AgentLsClient, argument: unknown, output: vscode.LogOutputChannel): Promise<void> {
  const menu = asChooseArgument(argument);
  if (menu === undefined) {
    void vscode.window.showErrorMessage(`agent-ls: ${SERVER_PERSONA_CHOOSE} wants one argument {uri, range, agent}.`);
    return;
  }
  const choices = agentActionChoices(await execute(client, LIST_COMMAND), menu.agent);
  if (choices.length === 0) {
    void vscode.window.showInformationMessage(`agent-ls: ${menu.agent} has no actions here.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(choices, {
    title: `Ask ${menu.agent} to…`,
    placeHolder: menu.scope === undefined ? 'Pick an action for the selection' : `Pick an action for the ${menu.scope}`,
    matchOnDescription: true,
  });
  if (picked !== undefined) {
    await runPersona(client, { ...menu, action: picked.action }, output);
  }
}

/**
 * Returns a kept report: with `preferActive`, the active editor's when it is one; else the one
 * picked in a QuickPick of them all, newest first.
 */
async function pickReport(client: AgentLsClient, placeHolder: string, preferActive: boolean): Promise<ReportChoice | undefined> {
  const reports = reportChoices(await execute(client, ClientCommand.personaReports));
  const active = vscode.window.activeTextEditor?.document.uri;
  const current = active === undefined ? undefined : reports.find((r) => r.uri === client.code2ProtocolConverter.asUri(active));
  if (preferActive && current !== undefined) {
    return current;
  }
  if (reports.length === 0) {
    void vscode.window.showInformationMessage('agent-ls: there is no persona report yet: run a review or an explanation first.');
    return undefined;
  }
  return vscode.window.showQuickPick(reports, { title: 'agent-ls: persona reports', placeHolder });
}

/** A follow-up on a report: an input box for the question; the answer is appended to the report. */
async function followUp(client: AgentLsClient, argument: unknown, output: vscode.LogOutputChannel): Promise<void> {
  const given = typeof argument === 'object' && argument !== null ? (argument as Record<string, unknown>) : {};
  const report =
    typeof given.report === 'string' ? { label: given.report, uri: given.report } : await pickReport(client, 'Which report to follow up on', true);
  if (report === undefined) {
    return;
  }
  const question =
    typeof given.question === 'string' && given.question.trim() !== ''
      ? given.question
      : await vscode.window.showInputBox({
          title: `agent-ls: follow-up on ${report.label}`,
          prompt: 'Your question; the answer is appended to the report',
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() === '' ? 'Type a question' : undefined),
        });
  if (question === undefined) {
    return;
  }
  await runWithProgress(client, ClientCommand.personaFollowUp, { report: report.uri, question }, `follow-up on ${report.label}`, output);
}

async function showReports(client: AgentLsClient): Promise<void> {
  const picked = await pickReport(client, 'Newest first: pick one to open', false);
  if (picked !== undefined) {
    await vscode.window.showTextDocument(client.protocol2CodeConverter.asUri(picked.uri));
  }
}

async function clearFindings(client: AgentLsClient): Promise<void> {
  const result = (await execute(client, ClientCommand.personaClearFindings)) as { cleared?: unknown } | null;
  const cleared = typeof result?.cleared === 'number' ? result.cleared : 0;
  void vscode.window.showInformationMessage(`agent-ls: cleared ${cleared} review finding${cleared === 1 ? '' : 's'}.`);
}

async function whyNotOffered(client: AgentLsClient): Promise<void> {
  const reasons = notOffered(await execute(client, LIST_COMMAND));
  void vscode.window.showInformationMessage(
    reasons.length === 0 ? 'agent-ls: every agent is offered as a persona.' : `agent-ls: not offered as personas: ${reasons.join('; ')}.`,
  );
}
