/** Command ids: the extension's own (contributed in package.json) and the server's. */

/** Commands the extension contributes and registers itself. */
export const ClientCommand = {
  restartServer: 'agentLs.restartServer',
  showOutput: 'agentLs.showOutput',
  runPersonaAction: 'agentLs.runPersonaAction',
  checkWorkspace: 'agentLs.checkWorkspace',
  installServer: 'agentLs.installServer',
  setApiKey: 'agentLs.setApiKey',
  clearApiKey: 'agentLs.clearApiKey',
  /** The Command Palette entries of the persona commands, same ids as the server's. */
  personaFollowUp: 'agentLs.persona.followUp',
  personaReports: 'agentLs.persona.reports',
  personaClearFindings: 'agentLs.persona.clearFindings',
  personaNotOffered: 'agentLs.persona.notOffered',
} as const;

/** Server command (workspace/executeCommand) behind `agentLs.checkWorkspace`: same id, no arguments. */
export const SERVER_CHECK_WORKSPACE = 'agentLs.checkWorkspace';

/**
 * Server command the extension registers itself under the same id, so that code actions run it
 * with a progress notification (Cancel button) rather than through vscode-languageclient.
 */
export const SERVER_PERSONA_RUN = 'agentLs.persona.run';

/**
 * Server command of an agent's entry in a long code-action list ("Ask reviewer…"): the extension
 * registers it itself and asks which action with a QuickPick (other editors get the server's
 * window/showMessageRequest).
 */
export const SERVER_PERSONA_CHOOSE = 'agentLs.persona.choose';

const CLIENT_COMMAND_IDS: ReadonlySet<string> = new Set([...Object.values(ClientCommand), SERVER_PERSONA_RUN, SERVER_PERSONA_CHOOSE]);

/**
 * Returns the server-advertised commands that vscode-languageclient may register as VS Code
 * commands: those the extension registers itself are left out, since registering an id twice
 * throws and would stop the client from starting. The extension sends those requests itself.
 */
export function commandsToRegister(serverCommands: readonly string[] | undefined): string[] {
  return (serverCommands ?? []).filter((command) => !CLIENT_COMMAND_IDS.has(command));
}

/** Returns the message shown after `agentLs.checkWorkspace`, from the server's counts when it gives them. */
export function describeCheckResult(result: unknown): string {
  if (typeof result === 'string' && result !== '') {
    return result;
  }
  const counts = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
  const { files, errors, warnings } = counts;
  if (typeof files === 'number' && typeof errors === 'number' && typeof warnings === 'number') {
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    return `agent-ls: checked ${plural(files, 'agent file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}. See the Problems panel.`;
  }
  return 'agent-ls: checked the workspace. See the Problems panel.';
}
