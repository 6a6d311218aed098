/**
 * The language client, adapted in three ways: server commands that share an id with one of the
 * extension's own commands are not registered twice; the client tells the server what it does
 * beyond LSP (`experimental.agentLs`: it previews persona edits itself, and whether VS Code trusts
 * the workspace; `agentLs/workspaceTrust` when trust is granted later); and a failed start is only
 * logged here, because the extension shows its own notification saying how to fix it.
 */

import {
  type DynamicFeature,
  ExecuteCommandRequest,
  type ExecuteCommandRegistrationOptions,
  LanguageClient,
  type LanguageClientOptions,
  type RegistrationData,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';

import { commandsToRegister } from './commands';

/** The notification that tells the server VS Code now trusts the workspace. */
export const TRUST_NOTIFICATION = 'agentLs/workspaceTrust';

/** What the client announces under `experimental.agentLs` at initialize. */
export interface AgentLsCapabilities {
  /** Persona edits sent with workspace/applyEdit are shown as a diff with Apply/Discard. */
  previewEdits: boolean;
  workspaceTrusted: boolean;
}

export class AgentLsClient extends LanguageClient {
  constructor(serverOptions: ServerOptions, clientOptions: LanguageClientOptions, capabilities: () => AgentLsCapabilities) {
    super('agentLs', 'agent-ls', serverOptions, clientOptions);
    const feature: StaticFeature = {
      fillClientCapabilities: (filled) => {
        filled.experimental = { ...(filled.experimental as object | undefined), agentLs: capabilities() };
      },
      initialize: () => undefined,
      getState: () => ({ kind: 'static' }),
      clear: () => undefined,
    };
    this.registerFeature(feature);
  }

  /** Tells the server the workspace is trusted now (VS Code never takes trust back in a session). */
  notifyTrusted(): Promise<void> {
    return this.sendNotification(TRUST_NOTIFICATION, { trusted: true });
  }

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    const startFailed = message.endsWith("couldn't create connection to server.");
    super.error(message, data, startFailed ? false : showNotification);
  }

  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    if ('registrationType' in feature && feature.registrationType.method === ExecuteCommandRequest.method) {
      const commandFeature = feature as DynamicFeature<ExecuteCommandRegistrationOptions>;
      const register = commandFeature.register.bind(commandFeature);
      commandFeature.register = (data: RegistrationData<ExecuteCommandRegistrationOptions>) =>
        register({ ...data, registerOptions: { ...data.registerOptions, commands: commandsToRegister(data.registerOptions.commands) } });
    }
    super.registerFeature(feature);
  }
}
