/**
 * The Anthropic API key kept in VS Code's secret storage: the name it is stored under and the
 * server process's environment built from it. The key is never logged or put into settings.
 */

/** Secret storage key of the API key. */
export const API_KEY_SECRET = 'agentLs.personas.anthropicApiKey';

/** The variable the server reads the key from when `agentLs.personas.apiKeyEnv` is not set. */
export const DEFAULT_API_KEY_ENV = 'ANTHROPIC_API_KEY';

/** The variable named by the `agentLs.personas.apiKeyEnv` setting, or the default when it is no valid name. */
export function apiKeyVariable(setting: unknown): string {
  return typeof setting === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(setting.trim()) ? setting.trim() : DEFAULT_API_KEY_ENV;
}

/**
 * The server process's environment: `base` with the stored key under `variable`, or undefined
 * (inherit the extension host's environment unchanged) when no key is stored.
 */
export function serverEnvironment(
  base: NodeJS.ProcessEnv,
  variable: string,
  key: string | undefined,
): NodeJS.ProcessEnv | undefined {
  return key === undefined || key === '' ? undefined : { ...base, [variable]: key };
}

/** Returns an error for the input box when `value` cannot be an API key, else undefined. */
export function validateApiKey(value: string): string | undefined {
  if (value.trim() === '') {
    return 'Enter the key (it starts with sk-ant-), or press Escape.';
  }
  return /\s/.test(value.trim()) ? 'An API key has no spaces or line breaks.' : undefined;
}
