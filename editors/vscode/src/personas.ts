/**
 * Persona actions as the extension sees them: the answer of the server command
 * `agentLs.persona.list` turned into QuickPick choices, and the arguments of
 * `agentLs.persona.run`. Pure, and tolerant of the list's exact shape (grouped by agent or flat).
 */

export const LIST_COMMAND = 'agentLs.persona.list';
export const RUN_COMMAND = 'agentLs.persona.run';

export interface PersonaChoice {
  agent: string;
  action: string;
  /** "backend-engineer: review" */
  label: string;
  description?: string;
}

/** An LSP range (0-based lines, UTF-16 characters). */
export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface PersonaRunArgument {
  uri: string;
  range: LspRange;
  agent: string;
  action: string;
  /** The document's version when the action was picked: the server refuses to edit a newer one. */
  version?: number;
}

type Entry = Record<string, unknown>;

const AGENT_KEYS = ['agent', 'persona', 'name'] as const;

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(entry: Entry, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = entry[key];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
  }
  return undefined;
}

function entries(result: unknown): Entry[] {
  if (Array.isArray(result)) {
    return result.filter(isEntry);
  }
  if (isEntry(result)) {
    for (const key of ['personas', 'agents', 'actions', 'items']) {
      if (Array.isArray(result[key])) {
        return entries(result[key]);
      }
    }
  }
  return [];
}

function choice(agent: string, action: Entry): PersonaChoice | undefined {
  const id = text(action, 'id', 'action', 'name');
  if (id === undefined) {
    return undefined;
  }
  const title = text(action, 'title', 'label') ?? id;
  const label = title.startsWith(`${agent}:`) ? title : `${agent}: ${title}`;
  const description = text(action, 'description', 'detail', 'kind');
  return description === undefined ? { agent, action: id, label } : { agent, action: id, label, description };
}

/**
 * Returns one choice per (agent, action) pair found in the list command's answer; accepts
 * `[{agent|name, actions: [{id, title}]}]`, `[{agent, action|id, title}]`, or either wrapped
 * in an object under `personas`/`agents`/`actions`/`items`.
 */
export function personaChoices(result: unknown): PersonaChoice[] {
  const choices: PersonaChoice[] = [];
  for (const entry of entries(result)) {
    const agentKey = AGENT_KEYS.find((key) => text(entry, key) !== undefined);
    if (agentKey === undefined) {
      continue;
    }
    const agent = entry[agentKey] as string;
    // Flat shape: the entry is the action; the key that named the agent must not name the action.
    const actions = Array.isArray(entry.actions) ? entry.actions.filter(isEntry) : [withoutKey(entry, agentKey)];
    for (const action of actions) {
      const found = choice(agent, action);
      if (found !== undefined) {
        choices.push(found);
      }
    }
  }
  return choices;
}

function withoutKey(entry: Entry, key: string): Entry {
  const { [key]: _dropped, ...rest } = entry;
  return rest;
}

/** The single argument of `agentLs.persona.run`. */
export function personaRunArgument(
  uri: string,
  range: LspRange,
  picked: PersonaChoice,
  version?: number,
): PersonaRunArgument {
  const argument: PersonaRunArgument = { uri, range, agent: picked.agent, action: picked.action };
  return version === undefined ? argument : { ...argument, version };
}

/** JSON-RPC "method not found", also used by servers for unknown commands. */
const METHOD_NOT_FOUND = -32601;

/** Returns a user-facing message for a failed `workspace/executeCommand` of `command`. */
export function describeCommandError(command: string, error: unknown): string {
  const code = isEntry(error) && typeof error.code === 'number' ? error.code : undefined;
  const message = error instanceof Error ? error.message : isEntry(error) ? String(error.message ?? '') : String(error);
  if (code === METHOD_NOT_FOUND || /unknown command|not found|no such command|not registered/i.test(message)) {
    return `agent-ls: this server does not offer \`${command}\` (yet). Update agent-ls and restart the server.`;
  }
  return `agent-ls: \`${command}\` failed: ${message || 'unknown error'}`;
}

/** The `value` of a `$/progress` notification for a work-done progress. */
export type WorkDoneProgressValue =
  | { kind: 'begin'; title: string; message?: string; percentage?: number }
  | { kind: 'report'; message?: string; percentage?: number }
  | { kind: 'end'; message?: string };

/**
 * Follows one persona run's work-done progress and returns the line its notification shows:
 * "backend-engineer: review: Streaming: 1,200 characters" (the begin's title, then the latest
 * message); undefined once it ended.
 */
export class PersonaProgressText {
  private title = 'agent-ls';
  private message = '';

  next(value: WorkDoneProgressValue): string | undefined {
    if (value.kind === 'end') {
      return undefined;
    }
    if (value.kind === 'begin' && value.title !== '') {
      this.title = value.title;
    }
    if (value.message !== undefined && value.message !== '') {
      this.message = value.message;
    }
    return this.message === '' ? this.title : `${this.title}: ${this.message}`;
  }
}
