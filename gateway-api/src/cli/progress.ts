/**
 * A progress line on stderr: on a terminal one line redrawn in place, otherwise a plain line at
 * most every `intervalMs`, so logs stay readable.
 */
export interface ProgressState {
  phase: string;
  done: number;
  total: number;
  detail: string;
}

const WIDTH = 30;

export function renderBar(state: ProgressState, ratePerSecond: number): string {
  const fraction = state.total === 0 ? 0 : Math.min(1, state.done / state.total);
  const filled = Math.round(fraction * WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = ratePerSecond > 0 ? ` ${ratePerSecond.toFixed(1)}/s` : '';
  return `${state.phase.padEnd(9)} [${bar}] ${percent} ${state.done}/${state.total}${rate}${state.detail === '' ? '' : ` ${state.detail}`}`;
}

export class ProgressLine {
  private lastPlain = Number.NEGATIVE_INFINITY;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly intervalMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  update(state: ProgressState, force = false): void {
    const elapsed = (this.now() - this.started) / 1000;
    const line = renderBar(state, elapsed > 0 ? state.done / elapsed : 0);
    if (this.out.isTTY) {
      this.out.write(`\r${line.slice(0, Math.max(20, (this.out.columns || 120) - 1))}\u001b[K`);
      this.drawn = true;
      return;
    }
    if (force || this.now() - this.lastPlain >= this.intervalMs) {
      this.lastPlain = this.now();
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the redrawn line so what follows starts on its own. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
