import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashedOutput, processStartedAt, removeDeadPartials } from '../../src/store/files.js';
import { ensureBackupDirIgnored, GITIGNORE_MARKER } from '../../src/store/gitignore.js';
import { partialName } from '../../src/store/naming.js';
import { testDir } from '../helpers/cli.js';


describe('removeDeadPartials', () => {
  it('removes temporary files of dead writers and keeps live writers and real backups', async () => {
    const store = testDir();
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('exit', resolve));
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(path.join(store, partialName('app_1.dump', child.pid!)), 'half');
      writeFileSync(path.join(store, partialName('app_2.dump', sleeper.pid!)), 'in progress');
      writeFileSync(path.join(store, 'app_3.dump'), 'done');
      const removed = await removeDeadPartials(store);
      expect(removed).toEqual([partialName('app_1.dump', child.pid!)]);
      expect(existsSync(path.join(store, partialName('app_2.dump', sleeper.pid!)))).toBe(true);
      expect(existsSync(path.join(store, 'app_3.dump'))).toBe(true);
    } finally {
      sleeper.kill();
    }
  });
});

describe('removeDeadPartials and reused pids', () => {
  it('removes a file whose pid now belongs to a process started after it was written, and keeps a live writer\'s', async () => {
    const store = testDir();
    const sleeper = spawn('sleep', ['30']);
    try {
      await new Promise((resolve) => sleeper.on('spawn', resolve));
      const reused = path.join(store, partialName('app_1.sql.decrypted', sleeper.pid!));
      const live = path.join(store, partialName('app_2.dump', sleeper.pid!));
      writeFileSync(reused, 'plaintext of a writer killed an hour ago');
      writeFileSync(live, 'in progress');
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(reused, anHourAgo, anHourAgo);
      expect(processStartedAt(sleeper.pid!)).not.toBeNull();
      expect(await removeDeadPartials(store)).toEqual([path.basename(reused)]);
      expect(existsSync(live)).toBe(true);
    } finally {
      sleeper.kill();
    }
  });

  it('reads a process\'s start time close to the clock', () => {
    const started = processStartedAt(process.pid);
    expect(started).not.toBeNull();
    expect(Math.abs(started! - (Date.now() - process.uptime() * 1000))).toBeLessThan(30_000);
  });
});

describe('hashedOutput', () => {
  it('hashes and counts exactly the bytes written, and creates the file 0600', async () => {
    const file = path.join(testDir(), 'x.partial');
    const seen: number[] = [];
    const output = hashedOutput(file, (bytes) => seen.push(bytes));
    const stream = output.stream();
    await new Promise<void>((resolve, reject) => {
      stream.write(Buffer.from('hello '));
      stream.end(Buffer.from('world'), () => resolve());
      stream.on('error', reject);
    });
    const expected = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    expect(output.streamed()).toEqual({ sha256: expected, size: 11 });
    expect(seen.at(-1)).toBe(11);
    expect(readFileSync(file, 'utf8')).toBe('hello world');
    expect(execFileSync('stat', ['-c', '%a', file], { encoding: 'utf8' }).trim()).toBe('600');
  });
});

describe('hashedOutput.file: a child writes the file itself, the store hashes behind it', () => {
  async function childWrites(file: string, script: string, progress?: (bytes: number) => void) {
    const output = hashedOutput(file, progress);
    const written = await output.file!();
    const { runTool } = await import('../../src/engines/tools.js');
    const result = await runTool({ program: 'sh', args: ['-c', script], stdout: { fd: written.fd } });
    await written.finish();
    return { output, result };
  }

  it('hashes every byte as stored, written in pieces with pauses longer than the reader waits, 0600', async () => {
    const file = path.join(testDir(), 'x.partial');
    const seen: number[] = [];
    // 3 MiB in pieces, with pauses: the reader catches up, waits, and goes on; the last piece comes just before the exit.
    const script = 'for i in 1 2 3; do head -c 1048576 /dev/urandom; sleep 0.05; done; printf tail';
    const { output, result } = await childWrites(file, script, (bytes) => seen.push(bytes));
    expect(result.code).toBe(0);
    const expected = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    expect(output.streamed()).toEqual({ sha256: expected, size: 3 * 1048576 + 4 });
    expect(output.usedStream()).toBe(true);
    expect(seen.at(-1)).toBe(3 * 1048576 + 4);
    expect(execFileSync('stat', ['-c', '%a', file], { encoding: 'utf8' }).trim()).toBe('600');
  });

  it('an empty output hashes as empty, and a file already there is never written over', async () => {
    const dir = testDir();
    const { output } = await childWrites(path.join(dir, 'empty.partial'), 'exit 0');
    expect(output.streamed()).toEqual({ sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 0 });
    writeFileSync(path.join(dir, 'taken.partial'), 'someone else');
    await expect(hashedOutput(path.join(dir, 'taken.partial')).file!()).rejects.toThrow(/EEXIST/);
    expect(readFileSync(path.join(dir, 'taken.partial'), 'utf8')).toBe('someone else');
  });
});

describe('ensureBackupDirIgnored', () => {
  it('adds a marked entry once in a git repository', async () => {
    const project = testDir();
    execFileSync('git', ['init', '-q'], { cwd: project });
    writeFileSync(path.join(project, '.gitignore'), 'node_modules');
    expect(await ensureBackupDirIgnored(project, path.join(project, 'backups'))).toBe('added');
    expect(await ensureBackupDirIgnored(project, path.join(project, 'backups'))).toBe('already');
    expect(readFileSync(path.join(project, '.gitignore'), 'utf8')).toBe(`node_modules\n${GITIGNORE_MARKER}\n/backups/\n`);
    writeFileSync(path.join(project, 'backups-probe'), '');
    execFileSync('git', ['check-ignore', '-q', 'backups/x.dump'], { cwd: project });
  });

  it('leaves an existing rule alone', async () => {
    const project = testDir();
    execFileSync('git', ['init', '-q'], { cwd: project });
    writeFileSync(path.join(project, '.gitignore'), '*.dump\nbackups\n');
    expect(await ensureBackupDirIgnored(project, path.join(project, 'backups'))).toBe('already');
    expect(readFileSync(path.join(project, '.gitignore'), 'utf8')).toBe('*.dump\nbackups\n');
  });

  it('writes nothing outside a git repository', async () => {
    const project = testDir();
    expect(await ensureBackupDirIgnored(project, path.join(project, 'backups'))).toBe('not-a-repo');
    expect(existsSync(path.join(project, '.gitignore'))).toBe(false);
  });
});
