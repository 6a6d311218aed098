/**
 * Finds the command that starts the agent-ls server, in a fixed order: the
 * `agentLs.server.command` setting, the `agentLs.server.pythonPath` setting, the interpreter
 * the Python extension selects, `agent-ls` on PATH, then the environment the extension installed. Pure apart from the injected probes,
 * so every branch is unit-tested without VS Code.
 */

/** Where the server command came from (shown in the output channel and the status tooltip). */
export type CommandSource = 'setting:command' | 'setting:pythonPath' | 'python-extension' | 'path' | 'managed';

export interface ServerCommand {
  command: string;
  args: string[];
  source: CommandSource;
}

/** A failed resolution: one message that says exactly how to fix it. */
export interface ResolutionFailure {
  message: string;
  /** The setting the user should change, if one is to blame. */
  setting?: 'agentLs.server.command' | 'agentLs.server.pythonPath';
  /** Whether installing the bundled server is the fix to offer (nothing was found anywhere). */
  offerInstall?: boolean;
}

export type Resolution = { ok: true; server: ServerCommand } | { ok: false; failure: ResolutionFailure };

/** The extension-only settings that choose the server. */
export interface ServerLaunchSettings {
  command: readonly string[];
  pythonPath: string;
  /** Where each value was read from ("User settings", "Remote settings"...), when it is set. */
  origins?: { command?: string; pythonPath?: string };
}

/** Side effects the resolution needs; real ones live in probes.ts and installer.ts. */
export interface Probes {
  /** Absolute path of an executable named `name` on PATH, if any. */
  findOnPath(name: string): Promise<string | undefined>;
  /** Whether `path` is an existing executable file. */
  isExecutable(path: string): Promise<boolean>;
  /** Whether `python -c "import agent_ls"` succeeds. */
  canImportAgentLs(python: string): Promise<boolean>;
  /** The interpreter selected in the Python extension, when that extension is installed. */
  pythonExtensionInterpreter(): Promise<string | undefined>;
  /** The `agent-ls` of the environment the extension installed, when there is one. */
  managedServer(): Promise<string | undefined>;
}

/** Values used to expand `${workspaceFolder}` and a leading `~` in settings, and to word messages. */
export interface ExpansionContext {
  home: string;
  workspaceFolder?: string;
  /** The settings scopes read, for "not set in ..." (e.g. "User, Remote or Workspace settings"). */
  scopes?: string;
  /** Path of the agent-ls wheel the extension carries, for install hints. */
  bundledWheel?: string;
}

export const SERVER_MODULE_ARGS = ['-m', 'agent_ls', 'serve'] as const;

/** Returns `value` with `${workspaceFolder}`, `${userHome}` and a leading `~` expanded. */
export function expandVariables(value: string, context: ExpansionContext): string {
  let result = value.replace(/\$\{userHome\}/g, context.home);
  if (context.workspaceFolder !== undefined) {
    result = result.replace(/\$\{workspaceFolder\}/g, context.workspaceFolder);
  }
  if (result === '~' || result.startsWith('~/')) {
    result = context.home + result.slice(1);
  }
  return result;
}

function looksLikePath(program: string): boolean {
  return program.includes('/') || program.includes('\\');
}

/** Resolves the server command; never throws for a missing server, it returns a failure. */
export async function resolveServerCommand(
  settings: ServerLaunchSettings,
  probes: Probes,
  context: ExpansionContext,
): Promise<Resolution> {
  const where = (setting: 'command' | 'pythonPath'): string =>
    `agentLs.server.${setting}${settings.origins?.[setting] ? `, from ${settings.origins[setting]}` : ''}`;
  const command = settings.command.map((part) => expandVariables(part, context)).filter((p) => p !== '');
  if (command.length > 0) {
    const [program, ...args] = command as [string, ...string[]];
    const found = looksLikePath(program)
      ? ((await probes.isExecutable(program)) ? program : undefined)
      : await probes.findOnPath(program);
    if (found === undefined) {
      return fail(
        `agent-ls: the server command \`${program}\` (${where('command')}) was not found or is not executable. ` +
          'Fix the setting, or clear it to use agent-ls from the Python extension\'s interpreter, PATH or the extension\'s own environment.',
        'agentLs.server.command',
      );
    }
    return ok(found, args.length > 0 ? args : ['serve'], 'setting:command');
  }

  const wheel = context.bundledWheel ?? 'agent_ls-VERSION-py3-none-any.whl (make dist)';
  const pythonPath = expandVariables(settings.pythonPath.trim(), context);
  if (pythonPath !== '') {
    if (await probes.canImportAgentLs(pythonPath)) {
      return ok(pythonPath, [...SERVER_MODULE_ARGS], 'setting:pythonPath');
    }
    return fail(
      `agent-ls: the Python interpreter \`${pythonPath}\` (${where('pythonPath')}) cannot import agent_ls. ` +
        `Install it there with \`${commandLine([pythonPath, '-m', 'pip', 'install', wheel])}\`, or point the setting at an interpreter that has it.`,
      'agentLs.server.pythonPath',
    );
  }

  const selected = await probes.pythonExtensionInterpreter();
  if (selected !== undefined && (await probes.canImportAgentLs(selected))) {
    return ok(selected, [...SERVER_MODULE_ARGS], 'python-extension');
  }

  const onPath = await probes.findOnPath('agent-ls');
  if (onPath !== undefined) {
    return ok(onPath, ['serve'], 'path');
  }

  const managed = await probes.managedServer();
  if (managed !== undefined) {
    return ok(managed, ['serve'], 'managed');
  }

  const notSet = `not set in ${context.scopes ?? 'User or Workspace settings'}`;
  const tried = [
    `agentLs.server.command (${notSet})`,
    `agentLs.server.pythonPath (${notSet})`,
    selected === undefined
      ? "the Python extension's interpreter (none selected, or the extension is not installed)"
      : `the Python extension's interpreter \`${selected}\` (cannot import agent_ls)`,
    '`agent-ls` on PATH (not found)',
    "the extension's own environment (not installed)",
  ];
  return {
    ok: false,
    failure: {
      message:
        `agent-ls: the language server was not found. Tried: ${tried.join('; ')}. ` +
        'Choose "Install agent-ls" to install the server this extension carries into a private environment, ' +
        'or set agentLs.server.command (e.g. ["/path/to/.venv/bin/agent-ls", "serve"]) or agentLs.server.pythonPath.',
      offerInstall: true,
    },
  };
}

function ok(command: string, args: string[], source: CommandSource): Resolution {
  return { ok: true, server: { command, args, source } };
}

function fail(message: string, setting?: ResolutionFailure['setting']): Resolution {
  return { ok: false, failure: setting === undefined ? { message } : { message, setting } };
}

/** Returns a one-line, shell-like rendering of a command and its arguments. */
export function commandLine(parts: readonly string[]): string {
  const quote = (part: string): string => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part));
  return parts.map(quote).join(' ');
}

/** Returns a one-line, shell-like rendering of a server command for logs. */
export function describeCommand(server: ServerCommand): string {
  return commandLine([server.command, ...server.args]);
}
