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
  'secrets',
  'confirm',
] as const;

/** Setting prefixes whose change needs a new server process. */
export const RESTART_SECTIONS = ['agentLs.server'] as const;

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

/** Returns the launch settings from a raw `agentLs.server` object, ignoring values of the wrong type. */
export function toLaunchSettings(server: unknown): ServerLaunchSettings {
  const raw = isRecord(server) ? server : {};
  const command = Array.isArray(raw.command) ? raw.command.filter((p): p is string => typeof p === 'string') : [];
  const pythonPath = typeof raw.pythonPath === 'string' ? raw.pythonPath : '';
  return { command, pythonPath };
}

/** Whether a configuration change (tested with VS Code's `affectsConfiguration`) needs a restart. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SECTIONS.some((section) => affects(section));
}
