/**
 * Runs the one-step install (install.ts plans it): creates the private environment in the
 * extension's global storage and installs the bundled wheel there, with a progress notification,
 * and says what failed and the command to run by hand when it fails.
 */

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

import {
  type InstallLayout,
  type InstallStep,
  type InterpreterCandidate,
  bundledWheel,
  chooseInterpreter,
  installFailureMessage,
  installLayout,
  installPlan,
  isCurrent,
  manualCommand,
  stampText,
  updatePlan,
} from './install';
import { runLogged } from './probes';
import { commandLine } from './serverCommand';

/** pip may download the dependencies from the package index: allow it time on a slow network. */
const STEP_TIMEOUT_MS = 10 * 60_000;

export class ServerInstaller {
  readonly layout: InstallLayout;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.layout = installLayout(context.globalStorageUri.fsPath);
  }

  /** Path of the wheel the extension carries, or undefined (an extension built without it). */
  get wheel(): string | undefined {
    const folder = path.join(this.context.extensionPath, 'dist', 'server');
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      return undefined;
    }
    const name = bundledWheel(names);
    return name === undefined ? undefined : path.join(folder, name);
  }

  /** Whether an installed environment exists (current or not). */
  get installed(): boolean {
    return this.readStamp() !== undefined;
  }

  /** Whether the installed environment holds another wheel than the one the extension now carries. */
  get outdated(): boolean {
    const wheel = this.wheel;
    return wheel !== undefined && this.installed && !isCurrent(this.readStamp(), path.basename(wheel));
  }

  /**
   * Installs the bundled wheel into a new environment made with the first interpreter of
   * `candidates` that is recent enough, or, with `update`, into the existing environment.
   * Returns whether it succeeded; a failure has been shown to the user.
   */
  async install(candidates: () => Promise<InterpreterCandidate[]>, update = false): Promise<boolean> {
    const wheel = this.wheel;
    if (wheel === undefined) {
      this.showFailure('agent-ls: this build of the extension carries no server wheel (dist/server/*.whl). Install agent-ls yourself and set agentLs.server.command.');
      return false;
    }
    const title = update ? 'agent-ls: updating the server' : 'agent-ls: installing the server';
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: false },
      async (progress) => {
        let steps: InstallStep[];
        if (update) {
          steps = updatePlan(this.layout, wheel);
        } else {
          progress.report({ message: 'looking for Python' });
          const choice = chooseInterpreter(await candidates());
          if (!choice.ok) {
            this.showFailure(`${choice.reason} Install one, or select one in the Python extension, then run "agent-ls: Install agent-ls".`);
            return false;
          }
          steps = installPlan(this.layout, choice.python, wheel);
          // The environment is recreated: until it is complete, there is none to start.
          rmSync(this.layout.stamp, { force: true });
        }
        mkdirSync(path.dirname(this.layout.venv), { recursive: true });
        for (const step of steps) {
          progress.report({ message: step.title });
          this.output.info(`Install: ${commandLine([step.command, ...step.args])}`);
          const result = await runLogged(step.command, step.args, STEP_TIMEOUT_MS, (line) => this.output.info(`  ${line}`));
          if (!result.ok) {
            this.showFailure(installFailureMessage(step, result.output, steps), manualCommand(steps));
            return false;
          }
        }
        writeFileSync(this.layout.stamp, stampText(path.basename(wheel)));
        this.output.info(`Installed ${path.basename(wheel)} into ${this.layout.venv}`);
        return true;
      },
    );
  }

  private readStamp(): string | undefined {
    try {
      return readFileSync(this.layout.stamp, 'utf8');
    } catch {
      return undefined;
    }
  }

  private showFailure(message: string, manual?: string): void {
    this.output.error(message);
    const showOutput = 'Show Output';
    const copy = 'Copy Command';
    const buttons = manual === undefined ? [showOutput] : [copy, showOutput];
    void vscode.window.showErrorMessage(message, ...buttons).then((picked) => {
      if (picked === copy && manual !== undefined) {
        void vscode.env.clipboard.writeText(manual);
      } else if (picked === showOutput) {
        this.output.show();
      }
    });
  }
}
