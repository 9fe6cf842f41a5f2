/**
 * One status line that rewrites itself on a terminal; elsewhere (CI logs, pipes) a line
 * every few seconds, so logs stay readable.
 */
export class ProgressLine {
  private lastWrite = 0;
  private shown = false;
  private readonly tty = Boolean(process.stdout.isTTY);

  update(text: string): void {
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastWrite < 100) return;
      const width = (process.stdout.columns ?? 120) - 1;
      process.stdout.write(`\r${text.slice(0, width).padEnd(width)}`);
      this.shown = true;
    } else {
      if (now - this.lastWrite < 5000) return;
      process.stdout.write(`  … ${text}\n`);
    }
    this.lastWrite = now;
  }

  /** Ends the status line and prints `text` as a permanent one. */
  log(text: string): void {
    if (this.tty && this.shown) process.stdout.write(`\r${' '.repeat((process.stdout.columns ?? 120) - 1)}\r`);
    this.shown = false;
    this.lastWrite = 0;
    process.stdout.write(`${text}\n`);
  }
}
