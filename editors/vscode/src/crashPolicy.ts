/**
 * When to restart a server that exited: like vscode-languageclient's default (at most 4 restarts
 * within 3 minutes), but as a pure class so the extension can give up with its own message.
 */

export const MAX_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60_000;

export class CrashPolicy {
  private readonly crashes: number[] = [];

  constructor(
    private readonly maxRestarts = MAX_RESTARTS,
    private readonly windowMs = RESTART_WINDOW_MS,
  ) {}

  /** Records an exit at `now` (ms); returns whether the server should be restarted. */
  shouldRestart(now: number): boolean {
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - this.crashes[0]! > this.windowMs) {
      this.crashes.shift();
    }
    return this.crashes.length <= this.maxRestarts;
  }

  /** Exits recorded within the window. */
  get recentCrashes(): number {
    return this.crashes.length;
  }
}
