import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A real interactive shell on a pseudo-terminal, driven through its own tmux
 * server (`-L`), so keystrokes arrive exactly as typed and nothing of the
 * machine's tmux sessions is touched.
 */
export class TmuxShell {
  private constructor(private readonly socket: string) {}

  static start(argv: string[], options: { cwd: string; env: Record<string, string> }): TmuxShell {
    const socket = `dbsafe-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env = Object.entries(options.env).map(([name, value]) => `${name}=${value}`);
    const command = ['env', '-i', ...env, ...argv].map(shellQuote).join(' ');
    const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '200', '-y', '50', '-c', options.cwd, command], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`tmux could not start ${argv.join(' ')}: ${result.stderr}`);
    return new TmuxShell(socket);
  }

  /** Types `line` and presses Enter. */
  type(line: string): void {
    spawnSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', '-l', line]);
    spawnSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'main', 'Enter']);
  }

  screen(): string {
    return spawnSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', 'main'], { encoding: 'utf8' }).stdout;
  }

  /** Waits for the shell's first prompt: keys typed before the line editor starts can be lost. */
  async waitForPrompt(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.screen().trim() !== '') {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the shell showed no prompt');
  }

  /** Waits until `file` holds a whole line (the typed line's last command writes it). */
  async waitForFile(file: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // The shell creates the file before it writes the line: wait for the whole line.
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (text.endsWith('\n')) return text;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${file}; the terminal shows:\n${this.screen()}`);
  }

  /** Ends the shell and waits for its tmux server to be gone, so nothing writes into a directory being removed. */
  stop(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    for (let i = 0; i < 100 && spawnSync('tmux', ['-L', this.socket, 'has-session']).status === 0; i++) spawnSync('sleep', ['0.05']);
  }
}
