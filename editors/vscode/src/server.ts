/**
 * The server's lifecycle: find its command, start the client, follow its state into the status
 * bar, tell the user how to fix a missing or broken server, stop and restart (serialised).
 */

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  type ErrorHandler,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  State,
} from 'vscode-languageclient/node';

import { API_KEY_SECRET, apiKeyVariable, serverEnvironment } from './apiKey';
import { AgentLsClient } from './client';
import { CrashPolicy } from './crashPolicy';
import type { EditPreview } from './editPreview';
import type { InterpreterCandidate } from './install';
import { ServerInstaller } from './installer';
import * as probes from './probes';
import { type ResolutionFailure, describeCommand, resolveServerCommand } from './serverCommand';
import { type SettingInspection, settingScopes, toLaunchSettings, toServerSettings } from './settings';
import type { ServerStatus } from './status';

export const SECTION = 'agentLs';
const PYTHON_EXTENSION_ID = 'ms-python.python';
const PYTHON_EXTENSION_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;

/** The part of the Python extension's API we use (ms-python.python `environments`). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
    resolveEnvironment?(
      env: { id: string; path: string } | string,
    ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

export class ServerController implements vscode.Disposable {
  private clientValue: AgentLsClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;
  private usesPythonExtension = false;
  private readonly installer: ServerInstaller;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly status: ServerStatus,
    private readonly context: vscode.ExtensionContext,
    private readonly preview: EditPreview,
  ) {
    this.installer = new ServerInstaller(context, output);
  }

  /** The running client, if the server is up. */
  get client(): AgentLsClient | undefined {
    return this.clientValue?.state === State.Running ? this.clientValue : undefined;
  }

  /** Whether the current server was found through the Python extension's interpreter. */
  get startedFromPythonExtension(): boolean {
    return this.usesPythonExtension;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  /**
   * Installs the bundled server into a fresh private environment, then starts the server. A
   * running server stops first (it may run from that environment) and restarts even if the
   * install fails; with none running, a failed install leaves only its own notification.
   */
  install(): Promise<void> {
    return this.enqueue(async () => {
      const wasRunning = this.clientValue !== undefined;
      await this.doStop();
      if ((await this.installer.install(() => this.interpreterCandidates())) || wasRunning) {
        await this.doStart();
      }
    });
  }

  dispose(): void {
    void this.stop();
  }

  /** Runs lifecycle steps one after another, so rapid setting changes cannot interleave them. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  private async doStart(): Promise<void> {
    this.status.starting('finding the server');
    const folder = vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const installer = this.installer;
    const wheel = installer.wheel;
    const resolution = await resolveServerCommand(
      toLaunchSettings(config.get('server'), (setting) => config.inspect(`server.${setting}`) as SettingInspection | undefined),
      {
        findOnPath: (name) => probes.findOnPath(name),
        isExecutable: probes.isExecutable,
        canImportAgentLs: probes.canImportAgentLs,
        pythonExtensionInterpreter: () => this.pythonExtensionInterpreter(folder?.uri),
        managedServer: async () =>
          installer.installed && (await probes.isExecutable(installer.layout.server)) ? installer.layout.server : undefined,
      },
      {
        home: os.homedir(),
        scopes: settingScopes(vscode.env.remoteName !== undefined),
        ...(folder ? { workspaceFolder: folder.uri.fsPath } : {}),
        ...(wheel ? { bundledWheel: wheel } : {}),
      },
    );
    if (!resolution.ok) {
      this.fail(resolution.failure);
      return;
    }
    const server = resolution.server;
    if (server.source === 'managed' && installer.outdated) {
      this.status.starting('updating the server');
      this.output.info('The extension carries a new agent-ls: updating its environment');
      await installer.install(() => this.interpreterCandidates(), true);
    }
    this.usesPythonExtension = server.source === 'python-extension';
    const commandLine = describeCommand(server);
    this.output.info(`Starting the server (${server.source}): ${commandLine}`);
    this.status.starting(commandLine);

    // The stored API key reaches the server through its environment only (never a log or setting).
    const key = await this.context.secrets.get(API_KEY_SECRET);
    const env = serverEnvironment(process.env, apiKeyVariable(config.get('personas.apiKeyEnv')), key);
    let ran = false;
    const client = new AgentLsClient(
      {
        command: server.command,
        args: server.args,
        options: { ...(folder ? { cwd: folder.uri.fsPath } : {}), ...(env ? { env } : {}) },
      },
      this.clientOptions(this.errorHandler(commandLine, () => ran)),
      () => ({ previewEdits: true, workspaceTrusted: vscode.workspace.isTrusted }),
    );
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) {
        ran = true;
        this.status.ready(commandLine);
      } else if (newState === State.Starting) {
        this.status.starting(commandLine);
      } else if (!this.stopping) {
        this.status.failed('The server stopped. See the output for its last messages.');
      }
    });
    this.clientValue = client;
    try {
      await client.start();
    } catch (error) {
      this.fail({
        message:
          `agent-ls: the server \`${commandLine}\` failed to start: ${errorMessage(error)}. ` +
          'Check the output; if agent-ls is not installed there, run "agent-ls: Install agent-ls" ' +
          'or change agentLs.server.command / agentLs.server.pythonPath.',
      });
    }
  }

  private async doStop(): Promise<void> {
    const client = this.clientValue;
    this.clientValue = undefined;
    if (client === undefined) {
      return;
    }
    this.stopping = true;
    try {
      if (client.needsStop()) {
        await client.stop(STOP_TIMEOUT_MS);
      }
    } catch (error) {
      this.output.warn(`Stopping the server: ${errorMessage(error)}`);
    } finally {
      await client.dispose().catch(() => undefined);
      this.stopping = false;
      this.status.stopped();
    }
  }

  /**
   * Restarts a server that dies after it ran, within limits; gives up with one notification that
   * says what to do. Connection errors are logged, not each shown as a notification.
   */
  private errorHandler(commandLine: string, hasRun: () => boolean): ErrorHandler {
    const policy = new CrashPolicy();
    return {
      error: (_error, _message, count) => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: () => {
        if (this.stopping || !hasRun()) {
          // A server that never started is reported by doStart when client.start() rejects.
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        if (policy.shouldRestart(Date.now())) {
          this.output.warn('The server exited; restarting it.');
          return { action: CloseAction.Restart, handled: true };
        }
        this.fail({
          message:
            `agent-ls: the server \`${commandLine}\` exited ${policy.recentCrashes} times in 3 minutes and will not be ` +
            'restarted. See the output for its last messages, then run "agent-ls: Restart Server".',
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  private clientOptions(errorHandler: ErrorHandler): LanguageClientOptions {
    const folderUri = vscode.workspace.workspaceFolders?.[0]?.uri;
    return {
      errorHandler,
      // Every file: persona actions work anywhere; the server decides which files are agent files.
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      outputChannel: this.output,
      traceOutputChannel: this.output,
      // Failures get their own notification with buttons; the output is one click away.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => toServerSettings(vscode.workspace.getConfiguration(undefined, folderUri).get(SECTION)),
      synchronize: { configurationSection: SECTION },
      middleware: {
        workspace: {
          // The server sends workspace/applyEdit only for persona rewrites: show each one first.
          handleApplyEdit: (params, next) => this.preview.handle(params, next),
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value: unknown, index) =>
              params.items[index]?.section === SECTION ? toServerSettings(value) : value,
            );
          },
        },
      },
    };
  }

  /** Shows why the server cannot run, with buttons that lead to the fix. Never silent. */
  private fail(failure: ResolutionFailure): void {
    this.output.error(failure.message);
    this.status.failed(failure.message);
    const install = 'Install agent-ls';
    const openSettings = 'Open Settings';
    const showOutput = 'Show Output';
    const retry = 'Retry';
    const buttons = failure.offerInstall ? [install, openSettings, showOutput] : [openSettings, showOutput, retry];
    void vscode.window.showErrorMessage(failure.message, ...buttons).then((picked) => {
      if (picked === install) {
        void this.install();
      } else if (picked === openSettings) {
        void vscode.commands.executeCommand('workbench.action.openSettings', failure.setting ?? 'agentLs.server');
      } else if (picked === showOutput) {
        this.output.show();
      } else if (picked === retry) {
        void this.restart();
      }
    });
  }

  /** Interpreters that may create the private environment: the Python extension's, then python3 and python on PATH. */
  private async interpreterCandidates(): Promise<InterpreterCandidate[]> {
    const found: { origin: string; path: string | undefined }[] = [
      { origin: "the Python extension's interpreter", path: await this.pythonExtensionInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri) },
      { origin: 'python3 on PATH', path: await probes.findOnPath('python3') },
      { origin: 'python on PATH', path: await probes.findOnPath('python') },
    ];
    const candidates: InterpreterCandidate[] = [];
    for (const { origin, path } of found) {
      if (path !== undefined) {
        candidates.push({ origin, path, version: await probes.pythonVersion(path) });
      }
    }
    return candidates;
  }

  /** The interpreter selected in the Python extension, or undefined (not installed, none, timeout). */
  private async pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (extension === undefined) {
      return undefined;
    }
    try {
      const api = extension.isActive ? extension.exports : await withTimeout(extension.activate(), PYTHON_EXTENSION_TIMEOUT_MS);
      const environments = api?.environments;
      const active = environments?.getActiveEnvironmentPath(resource);
      if (environments === undefined || active === undefined) {
        return undefined;
      }
      const resolved = await withTimeout(
        environments.resolveEnvironment?.(active) ?? Promise.resolve(undefined),
        PYTHON_EXTENSION_TIMEOUT_MS,
      );
      return resolved?.executable?.uri?.fsPath ?? active.path;
    } catch (error) {
      this.output.warn(`Asking the Python extension for its interpreter: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** Restarts the server when the Python extension's selected interpreter changes and we use it. */
  watchPythonExtension(): vscode.Disposable | undefined {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    const onChange = extension?.isActive ? extension.exports?.environments?.onDidChangeActiveEnvironmentPath : undefined;
    return onChange?.(() => {
      if (this.usesPythonExtension || this.clientValue === undefined) {
        void this.restart();
      }
    });
  }
}

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
