/**
 * The state shown in the status bar: the server's phase (starting, ready, error, stopped). A
 * running persona action shows as its own notification (with Cancel), not here.
 * Pure: extension.ts feeds it events and renders `view()`.
 */

export type ServerPhase = 'stopped' | 'starting' | 'ready' | 'error';

/** What the status bar item shows. */
export interface StatusView {
  text: string;
  tooltip: string;
  /** Rendered with the error background colour. */
  isError: boolean;
  /** Command run on click. */
  command: 'agentLs.showOutput';
}

export class ServerStatus {
  private phaseValue: ServerPhase = 'stopped';
  private detail = '';
  private readonly listeners = new Set<() => void>();

  get phase(): ServerPhase {
    return this.phaseValue;
  }

  /** Calls `listener` after every change; returns a function that unsubscribes it. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The server is being resolved or started; `detail` says how (e.g. its command). */
  starting(detail = ''): void {
    this.set('starting', detail);
  }

  ready(detail = ''): void {
    this.set('ready', detail);
  }

  /** The server could not start or died; `message` is shown in the tooltip. */
  failed(message: string): void {
    this.set('error', message);
  }

  stopped(): void {
    this.set('stopped', '');
  }

  view(): StatusView {
    const command = 'agentLs.showOutput';
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
