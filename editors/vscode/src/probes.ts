/** Real, Node-only implementations of the probes the server-command resolution needs. */

import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Seconds allowed for `python -c "import agent_ls"`; a cold interpreter can be slow. */
const IMPORT_TIMEOUT_MS = 15_000;

/** Whether `file` is an existing regular file we may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) {
      return false;
    }
    await access(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the first executable named `name` in the directories of `pathVariable`. */
export async function findOnPath(name: string, pathVariable = process.env.PATH ?? ''): Promise<string | undefined> {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of pathVariable.split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      if (await isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Whether `python` runs and can import the agent_ls package. */
export function canImportAgentLs(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import agent_ls'], { timeout: IMPORT_TIMEOUT_MS, windowsHide: true }, (error) =>
      resolve(error === null),
    );
  });
}

/** The `major.minor` version `python` reports, or undefined when it does not run. */
export function pythonVersion(python: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
      { timeout: IMPORT_TIMEOUT_MS, windowsHide: true },
      (error, stdout) => resolve(error === null ? String(stdout).trim() : undefined),
    );
  });
}

/**
 * Runs `command` to its end (killed after `timeoutMs`), passing each non-empty output line to
 * `log`; resolves with whether it exited with 0 and its whole output (stdout and stderr).
 */
export function runLogged(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    let pending = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const lines = (pending + chunk.toString()).split(/\r?\n/);
      pending = lines.pop() ?? '';
      lines.filter((line) => line.trim() !== '').forEach(log);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      output += `\n(stopped after ${Math.round(timeoutMs / 1000)} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `${output}\n${error.message}`.trim() });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending.trim() !== '') {
        log(pending);
      }
      resolve({ ok: code === 0, output });
    });
  });
}
