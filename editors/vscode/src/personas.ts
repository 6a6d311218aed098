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
  /** What the range is when it was taken at a bare cursor ("function f (lines 6-9)"). */
  scope?: string;
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

/** The actions of one agent, for the QuickPick of its entry ("Ask reviewer…"): labelled by title. */
export function agentActionChoices(result: unknown, agent: string): PersonaChoice[] {
  return personaChoices(result)
    .filter((c) => c.agent === agent)
    .map((c) => ({ ...c, label: c.label.slice(agent.length + 2) }));
}

/** The sentences of `agentLs.persona.list`'s `notOffered`: which agents are left out, and why. */
export function notOffered(result: unknown): string[] {
  const reasons = isEntry(result) ? result.notOffered : undefined;
  return Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : [];
}

/** A kept report, for the QuickPick of `agentLs.persona.reports` and of a follow-up. */
export interface ReportChoice {
  label: string;
  uri: string;
}

/** Returns the reports of `agentLs.persona.reports` (`{folder, reports: [{uri, name}]}`), newest first as given. */
export function reportChoices(result: unknown): ReportChoice[] {
  const reports = isEntry(result) && Array.isArray(result.reports) ? result.reports.filter(isEntry) : [];
  return reports.flatMap((r) => {
    const uri = text(r, 'uri');
    return uri === undefined ? [] : [{ label: text(r, 'name') ?? uri, uri }];
  });
}

/** The argument of a `agentLs.persona.choose` the server put on an agent's entry. */
export interface PersonaChooseArgument {
  uri: string;
  range: LspRange;
  agent: string;
  version?: number;
  scope?: string;
}

/** Returns the choose argument when `value` is one (else undefined). */
export function asChooseArgument(value: unknown): PersonaChooseArgument | undefined {
  if (!isEntry(value) || typeof value.uri !== 'string' || typeof value.agent !== 'string' || !isEntry(value.range)) {
    return undefined;
  }
  return value as unknown as PersonaChooseArgument;
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
