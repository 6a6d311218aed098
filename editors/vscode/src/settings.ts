/**
 * Turns the `agentLs` settings section into what the server reads (initializationOptions and
 * workspace/configuration answers): the server's own keys in camelCase, without the
 * extension-only `server.*` and `trace.*` settings.
 */

import type { ServerLaunchSettings } from './serverCommand';

/** Top-level keys of the `agentLs` section that the server reads. */
export const SERVER_KEYS = ['extraKeys', 'extraTools', 'agentGlobs', 'debounceMs'] as const;

/** Keys of `agentLs.personas` that the server reads. */
export const PERSONA_KEYS = [
  'defaultModel',
  'modelOverride',
  'apiKeyEnv',
  'baseUrl',
  'maxTokens',
  'timeoutSeconds',
  'maxRetries',
  'contextLines',
  'maxSelectionChars',
  'maxTurns',
  'secrets',
  'confirm',
] as const;

/** Setting prefixes whose change needs a new server process (apiKeyEnv: the stored key's variable). */
export const RESTART_SECTIONS = ['agentLs.server', 'agentLs.personas.apiKeyEnv'] as const;

export type ServerSettings = Partial<Record<(typeof SERVER_KEYS)[number], unknown>> & {
  personas?: Partial<Record<(typeof PERSONA_KEYS)[number], unknown>>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick<K extends string>(source: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, unknown>> {
  const picked: Partial<Record<K, unknown>> = {};
  for (const key of keys) {
    if (source[key] !== undefined && source[key] !== null) {
      picked[key] = source[key];
    }
  }
  return picked;
}

/**
 * Returns the server's settings from a raw `agentLs` section (a plain object as VS Code gives it).
 * Values pass through unchanged: the server validates them and reports bad ones once.
 */
export function toServerSettings(section: unknown): ServerSettings {
  if (!isRecord(section)) {
    return {};
  }
  const settings: ServerSettings = pick(section, SERVER_KEYS);
  if (isRecord(section.personas)) {
    const personas = pick(section.personas, PERSONA_KEYS);
    if (Object.keys(personas).length > 0) {
      settings.personas = personas;
    }
  }
  return settings;
}

/**
 * Returns the launch settings from a raw `agentLs.server` object, ignoring values of the wrong type,
 * with the scope each set value was read from when `inspect` (a setting name → its inspection) is given.
 */
export function toLaunchSettings(
  server: unknown,
  inspect?: (setting: 'command' | 'pythonPath') => SettingInspection | undefined,
): ServerLaunchSettings {
  const raw = isRecord(server) ? server : {};
  const command = Array.isArray(raw.command) ? raw.command.filter((p): p is string => typeof p === 'string') : [];
  const pythonPath = typeof raw.pythonPath === 'string' ? raw.pythonPath : '';
  if (inspect === undefined) {
    return { command, pythonPath };
  }
  const origins: NonNullable<ServerLaunchSettings['origins']> = {};
  for (const setting of ['command', 'pythonPath'] as const) {
    const origin = settingOrigin(inspect(setting));
    if (origin !== undefined) {
      origins[setting] = origin;
    }
  }
  return { command, pythonPath, origins };
}

/** Whether a configuration change (tested with VS Code's `affectsConfiguration`) needs a restart. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SECTIONS.some((section) => affects(section));
}

/**
 * What `WorkspaceConfiguration.inspect` reports for a setting. In a remote window (code-server,
 * SSH, WSL, containers) it also gives the local User value and the Remote (machine) value.
 */
export interface SettingInspection {
  globalValue?: unknown;
  globalLocalValue?: unknown;
  globalRemoteValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Names the settings scope a value is read from (the most specific one that sets it), or undefined. */
export function settingOrigin(inspection: SettingInspection | undefined): string | undefined {
  if (inspection === undefined) {
    return undefined;
  }
  const scopes: [keyof SettingInspection, string][] = [
    ['workspaceFolderValue', 'Workspace Folder settings'],
    ['workspaceValue', 'Workspace settings'],
    ['globalRemoteValue', 'Remote settings'],
    ['globalLocalValue', 'User settings'],
    ['globalValue', 'User settings'],
  ];
  return scopes.find(([key]) => inspection[key] !== undefined)?.[1];
}

/** The scopes the extension reads its settings from, as said in messages. */
export function settingScopes(remoteWindow: boolean): string {
  return remoteWindow ? 'User, Remote or Workspace settings' : 'User or Workspace settings';
}
