/**
 * The one-step install: a private Python environment in the extension's global storage holding
 * the agent-ls wheel that the .vsix carries. Pure planning and messages, unit-tested without
 * VS Code; installer.ts runs the plan.
 */

import * as path from 'node:path';

import { commandLine } from './serverCommand';

/** The oldest Python agent-ls runs on (its `requires-python`). */
export const MIN_PYTHON = [3, 10] as const;

/** Where the private environment lives, below the extension's global storage folder. */
export interface InstallLayout {
  venv: string;
  /** The environment's interpreter. */
  python: string;
  /** The environment's `agent-ls` script. */
  server: string;
  /** JSON file naming the wheel installed there (`{"wheel": "agent_ls-0.1.0-py3-none-any.whl"}`). */
  stamp: string;
}

export function installLayout(storageDir: string, platform: NodeJS.Platform = process.platform): InstallLayout {
  const venv = path.join(storageDir, 'server-env');
  const [bin, exe] = platform === 'win32' ? ['Scripts', '.exe'] : ['bin', ''];
  return {
    venv,
    python: path.join(venv, bin, `python${exe}`),
    server: path.join(venv, bin, `agent-ls${exe}`),
    stamp: path.join(storageDir, 'server-env.json'),
  };
}

/** The agent-ls wheel among the files of the extension's `dist/server` folder, if any. */
export function bundledWheel(fileNames: readonly string[]): string | undefined {
  return fileNames.filter((name) => /^agent_ls-.+\.whl$/.test(name)).sort().at(-1);
}

/** Whether the environment's stamp names exactly the bundled wheel (else it needs (re)installing). */
export function isCurrent(stampText: string | undefined, wheelName: string): boolean {
  try {
    return (JSON.parse(stampText ?? '') as { wheel?: unknown }).wheel === wheelName;
  } catch {
    return false;
  }
}

export function stampText(wheelName: string): string {
  return `${JSON.stringify({ wheel: wheelName })}\n`;
}

/** An interpreter that may create the environment, and what `python --version` style probing found. */
export interface InterpreterCandidate {
  /** Where it came from, for messages ("the Python extension's interpreter", "python3 on PATH"). */
  origin: string;
  path: string;
  /** `major.minor` it reported, or undefined when it did not run. */
  version: string | undefined;
}

export type InterpreterChoice = { ok: true; python: string } | { ok: false; reason: string };

/** Returns `[major, minor]` from text such as `3.11`, or undefined. */
export function parseVersion(text: string | undefined): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(text?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The first candidate at least MIN_PYTHON, or why none fits (each candidate with its finding). */
export function chooseInterpreter(candidates: readonly InterpreterCandidate[]): InterpreterChoice {
  const [minMajor, minMinor] = MIN_PYTHON;
  const findings: string[] = [];
  for (const candidate of candidates) {
    const version = parseVersion(candidate.version);
    if (version === undefined) {
      findings.push(`${candidate.origin} \`${candidate.path}\` did not run`);
    } else if (version[0] > minMajor || (version[0] === minMajor && version[1] >= minMinor)) {
      return { ok: true, python: candidate.path };
    } else {
      findings.push(`${candidate.origin} \`${candidate.path}\` is Python ${version.join('.')}`);
    }
  }
  const tried = findings.length > 0 ? findings.join('; ') : 'no python3 on PATH and no Python extension interpreter';
  return { ok: false, reason: `agent-ls needs Python ≥ ${MIN_PYTHON.join('.')} to install (${tried}).` };
}

export interface InstallStep {
  title: string;
  command: string;
  args: string[];
}

/** The commands that (re)create the environment with `python` and install `wheel` (a path) into it. */
export function installPlan(layout: InstallLayout, python: string, wheel: string): InstallStep[] {
  return [
    { title: 'creating a Python environment', command: python, args: ['-m', 'venv', '--clear', layout.venv] },
    {
      title: 'installing agent-ls and its dependencies',
      command: layout.python,
      args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', wheel],
    },
  ];
}

/**
 * The commands that put `wheel` into an existing environment: agent-ls itself replaced (also when
 * only its build changed), then whatever new dependencies it has. No new environment, and no
 * download when the dependencies are already there.
 */
export function updatePlan(layout: InstallLayout, wheel: string): InstallStep[] {
  const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'];
  return [
    { title: 'replacing agent-ls', command: layout.python, args: [...pip, '--force-reinstall', '--no-deps', wheel] },
    { title: 'installing its dependencies', command: layout.python, args: [...pip, wheel] },
  ];
}

/** The plan as one shell line a user can run by hand. */
export function manualCommand(steps: readonly InstallStep[]): string {
  return steps.map((step) => commandLine([step.command, ...step.args])).join(' && ');
}

/** How many lines of the failed command's output the message shows. */
const OUTPUT_LINES = 6;

/** The message for a failed step: what failed, its last output lines, and the command to run by hand. */
export function installFailureMessage(failed: InstallStep, output: string, steps: readonly InstallStep[]): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  const last = lines.slice(-OUTPUT_LINES).join(' | ') || '(no output)';
  return (
    `agent-ls: installing the server failed while ${failed.title} (\`${commandLine([failed.command, ...failed.args])}\`): ` +
    `${last}. To install by hand, run: ${manualCommand(steps)}`
  );
}
