/**
 * The language client, adapted in three ways: server commands that share an id with one of the
 * extension's own commands are not registered twice; every work-done progress value is also
 * reported to an observer (the status bar), next to VS Code's own progress UI; and a failed start
 * is only logged here, because the extension shows its own notification saying how to fix it.
 */

import {
  type DynamicFeature,
  ExecuteCommandRequest,
  type ExecuteCommandRegistrationOptions,
  type Disposable,
  LanguageClient,
  type LanguageClientOptions,
  type NotificationHandler,
  type ProgressType,
  type RegistrationData,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';

import { commandsToRegister } from './commands';
import type { ProgressToken, WorkDoneProgressValue } from './status';

export type ProgressObserver = (token: ProgressToken, value: WorkDoneProgressValue) => void;

export class AgentLsClient extends LanguageClient {
  private progressObserver: ProgressObserver | undefined;

  constructor(serverOptions: ServerOptions, clientOptions: LanguageClientOptions) {
    super('agentLs', 'agent-ls', serverOptions, clientOptions);
  }

  /** Calls `observer` with every work-done progress value the server sends. */
  observeProgress(observer: ProgressObserver): void {
    this.progressObserver = observer;
  }

  override onProgress<P>(type: ProgressType<P>, token: string | number, handler: NotificationHandler<P>): Disposable {
    return super.onProgress(type, token, (value: P) => {
      if (isWorkDoneProgressValue(value)) {
        this.progressObserver?.(token, value);
      }
      return handler(value);
    });
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

function isWorkDoneProgressValue(value: unknown): value is WorkDoneProgressValue {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'begin' || kind === 'report' || kind === 'end';
}
