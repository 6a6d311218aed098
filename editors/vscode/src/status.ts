/**
 * The state shown in the status bar: the server's phase (starting, ready, error, stopped) and
 * whether a persona action is running. Every work-done progress the client sees comes from the
 * agent-ls server, and the server only reports progress for persona actions (titled
 * "backend-engineer: review", or "agent-ls: …"), so any active one counts.
 * Pure: extension.ts feeds it events and renders `view()`.
 */

export type ServerPhase = 'stopped' | 'starting' | 'ready' | 'error';

export type ProgressToken = string | number;

/** The `value` of a `$/progress` notification for a work-done progress. */
export type WorkDoneProgressValue =
  | { kind: 'begin'; title: string; message?: string; percentage?: number }
  | { kind: 'report'; message?: string; percentage?: number }
  | { kind: 'end'; message?: string };

/** What the status bar item shows. */
export interface StatusView {
  text: string;
  tooltip: string;
  /** Rendered with the error background colour. */
  isError: boolean;
  /** Command run on click. */
  command: 'agentLs.showOutput';
}

/** Prefix of the status bar text while an action runs (not repeated when the title has it). */
const PREFIX = 'agent-ls';

/** Longest progress label shown in the status bar; the tooltip has the whole text. */
const MAX_LABEL_CHARS = 48;

interface RunningAction {
  title: string;
  message?: string;
}

export class ServerStatus {
  private phaseValue: ServerPhase = 'stopped';
  private detail = '';
  private readonly running = new Map<ProgressToken, RunningAction>();
  private readonly listeners = new Set<() => void>();

  get phase(): ServerPhase {
    return this.phaseValue;
  }

  /** Number of work-done progresses (persona actions) currently active. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Calls `listener` after every change; returns a function that unsubscribes it. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The server is being resolved or started; `detail` says how (e.g. its command). */
  starting(detail = ''): void {
    this.running.clear();
    this.set('starting', detail);
  }

  ready(detail = ''): void {
    this.set('ready', detail);
  }

  /** The server could not start or died; `message` is shown in the tooltip. */
  failed(message: string): void {
    this.running.clear();
    this.set('error', message);
  }

  stopped(): void {
    this.running.clear();
    this.set('stopped', '');
  }

  /** Feeds one `$/progress` value of a work-done progress. */
  progress(token: ProgressToken, value: WorkDoneProgressValue): void {
    const current = this.running.get(token);
    if (value.kind === 'begin') {
      const title = typeof value.title === 'string' && value.title !== '' ? value.title : 'persona action';
      this.running.set(token, withMessage({ title }, value.message));
    } else if (current === undefined) {
      return;
    } else if (value.kind === 'report') {
      this.running.set(token, withMessage({ title: current.title }, value.message ?? current.message));
    } else {
      this.running.delete(token);
    }
    this.emit();
  }

  view(): StatusView {
    const command = 'agentLs.showOutput';
    const latest = [...this.running.values()].at(-1);
    if (latest !== undefined && this.phaseValue === 'ready') {
      const more = this.running.size > 1 ? ` (+${this.running.size - 1})` : '';
      const label = latest.message ?? latest.title;
      const prefixed = label.startsWith(PREFIX) ? label : `${PREFIX}: ${label}`;
      return {
        text: `$(loading~spin) ${truncate(prefixed, MAX_LABEL_CHARS)}${more}`,
        tooltip: `agent-ls: persona action running: ${latest.title}${latest.message ? ` — ${latest.message}` : ''}`,
        isError: false,
        command,
      };
    }
    const detail = this.detail === '' ? '' : `\n${this.detail}`;
    switch (this.phaseValue) {
      case 'starting':
        return { text: '$(sync~spin) agent-ls', tooltip: `agent-ls: starting the server${detail}`, isError: false, command };
      case 'ready':
        return { text: '$(check) agent-ls', tooltip: `agent-ls: ready${detail}`, isError: false, command };
      case 'error':
        return { text: '$(error) agent-ls', tooltip: `agent-ls: error${detail}\nClick to show the output.`, isError: true, command };
      case 'stopped':
        return { text: '$(circle-slash) agent-ls', tooltip: 'agent-ls: the server is stopped', isError: false, command };
    }
  }

  private set(phase: ServerPhase, detail: string): void {
    this.phaseValue = phase;
    this.detail = detail;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function withMessage(action: RunningAction, message: string | undefined): RunningAction {
  return message === undefined || message === '' ? action : { ...action, message };
}
