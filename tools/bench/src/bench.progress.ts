/**
 * One status line that rewrites itself on a terminal; elsewhere (CI logs, pipes) a line
 * every few seconds, so logs stay readable — and at once when the step changes (the text
 * differs in more than its numbers), so a log always shows which step a run is in.
 */
export class ProgressLine {
  private lastWrite = 0;
  private shown = false;
  private lastStep = '';
  private readonly tty = Boolean(process.stdout.isTTY);

  update(text: string): void {
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastWrite < 100) return;
      const width = (process.stdout.columns ?? 120) - 1;
      process.stdout.write(`\r${text.slice(0, width).padEnd(width)}`);
      this.shown = true;
    } else {
      const step = text.replace(/[\d.]+/g, '#');
      if (now - this.lastWrite < 5000 && step === this.lastStep) return;
      this.lastStep = step;
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
