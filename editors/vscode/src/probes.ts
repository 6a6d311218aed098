/** Real, Node-only implementations of the probes the server-command resolution needs. */

import { execFile } from 'node:child_process';
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
