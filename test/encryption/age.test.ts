import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgeOpenError, decryptAgeFile, encryptFileForRecipients, generateAgeIdentity, keyLines, recipientOf, recipientProblem } from '../../src/encryption/age.js';
import { AgePayloadError } from '../../src/encryption/age-stream.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dbsafe-age-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('age files (real `age` command-line tool on the other side)', () => {
  // Sizes around the 64 KiB chunk: empty, one byte, exactly one chunk, one chunk and a byte, several chunks.
  it.each([0, 1, 65536, 65537, 3 * 65536 + 100])('%i bytes: ours → age -d, and age -e → ours', async (size) => {
    const dir = tempDir();
    const identity = await generateAgeIdentity();
    const recipient = await recipientOf(identity);
    const keyFile = path.join(dir, 'key.txt');
    writeFileSync(keyFile, `# test identity\n${identity}\n`, { mode: 0o600 });
    const plain = path.join(dir, 'plain');
    const data = randomBytes(size);
    writeFileSync(plain, data);

    await encryptFileForRecipients(plain, path.join(dir, 'ours.age'), [recipient]);
    const byAge = execFileSync('age', ['-d', '-i', keyFile, path.join(dir, 'ours.age')]);
    expect(byAge.equals(data)).toBe(true);

    execFileSync('age', ['-e', '-r', recipient, '-o', path.join(dir, 'theirs.age'), plain]);
    await decryptAgeFile(path.join(dir, 'theirs.age'), [identity], path.join(dir, 'back'));
    expect(readFileSync(path.join(dir, 'back')).equals(data)).toBe(true);
  });

  it('encrypts for several recipients, each of which can read the file', async () => {
    const dir = tempDir();
    const [a, b] = [await generateAgeIdentity(), await generateAgeIdentity()];
    writeFileSync(path.join(dir, 'plain'), 'hello');
    await encryptFileForRecipients(path.join(dir, 'plain'), path.join(dir, 'x.age'), [await recipientOf(a), await recipientOf(b)]);
    await decryptAgeFile(path.join(dir, 'x.age'), [b], path.join(dir, 'b'));
    expect(readFileSync(path.join(dir, 'b'), 'utf8')).toBe('hello');
  });

  it('refuses the wrong identity, a damaged payload, a truncated file and a file that is not age', async () => {
    const dir = tempDir();
    const identity = await generateAgeIdentity();
    writeFileSync(path.join(dir, 'plain'), randomBytes(200_000));
    const file = path.join(dir, 'x.age');
    await encryptFileForRecipients(path.join(dir, 'plain'), file, [await recipientOf(identity)]);
    await expect(decryptAgeFile(file, [await generateAgeIdentity()], path.join(dir, 'a'))).rejects.toMatchObject({ problem: 'no-matching-identity' });

    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 1000]! ^= 1;
    writeFileSync(path.join(dir, 'flipped.age'), flipped);
    await expect(decryptAgeFile(path.join(dir, 'flipped.age'), [identity], path.join(dir, 'b'))).rejects.toBeInstanceOf(AgePayloadError);

    // Cut exactly after the first full chunk: what remains looks complete but was never sealed as the last chunk.
    const payloadStart = bytes.indexOf('\n--- ') + 1;
    const headerEnd = bytes.indexOf('\n', payloadStart) + 1 + 16;
    writeFileSync(path.join(dir, 'cut.age'), bytes.subarray(0, headerEnd + 65536 + 16));
    await expect(decryptAgeFile(path.join(dir, 'cut.age'), [identity], path.join(dir, 'c'))).rejects.toBeInstanceOf(AgePayloadError);

    writeFileSync(path.join(dir, 'plain.dump'), 'PGDMP not encrypted');
    await expect(decryptAgeFile(path.join(dir, 'plain.dump'), [identity], path.join(dir, 'd'))).rejects.toBeInstanceOf(AgeOpenError);
  });

  it('tells a valid recipient from an invalid one, and reads key files', async () => {
    expect(recipientProblem(await recipientOf(await generateAgeIdentity()))).toBeNull();
    expect(recipientProblem('age1notakey')).not.toBeNull();
    expect(recipientProblem('ssh-ed25519 AAAA')).toMatch(/age1/);
    expect(keyLines('# created: now\n# public key: age1x\nAGE-SECRET-KEY-1ABC\n\n')).toEqual(['AGE-SECRET-KEY-1ABC']);
  });
});
