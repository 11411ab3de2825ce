import { describe, expect, it } from 'vitest';
import { blockBody, findBlock, removeBlock, upsertBlock } from '../../src/integrations/marker-block.js';

const BODY = 'echo dbsafe';

describe('marker blocks', () => {
  const originals: Array<[string, string | null]> = [
    ['a missing file', null],
    ['an empty file', ''],
    ['a file ending in a newline', 'alias ll="ls -l"\n'],
    ['a file without a final newline', 'alias ll="ls -l"'],
    ['a file ending in blank lines', 'export A=1\n\n\n'],
    ['a file with only a newline', '\n'],
  ];

  it.each(originals)('install, install again, uninstall restores %s byte for byte', (_label, original) => {
    const once = upsertBlock(original, BODY);
    const twice = upsertBlock(once, BODY);
    expect(twice).toBe(once);
    expect(blockBody(once)).toBe(BODY);
    expect(removeBlock(twice)).toBe(original);
  });

  it('keeps the user content around a block and updates the block in place', () => {
    const withBlock = upsertBlock('before\n', 'old body');
    const edited = `${withBlock}after\n`;
    const updated = upsertBlock(edited, 'new body');
    expect(updated.startsWith('before\n')).toBe(true);
    expect(updated.endsWith('after\n')).toBe(true);
    expect(blockBody(updated)).toBe('new body');
    expect(removeBlock(updated)).toBe('before\nafter\n');
  });

  it('leaves a file without a complete block alone', () => {
    const text = 'x\n# >>> dbsafe >>>\nunterminated\n';
    expect(findBlock(text)).toBeNull();
    expect(removeBlock(text)).toBe(text);
  });

  it('deletes a file it created only when nothing but its own header is left', () => {
    const created = upsertBlock(null, BODY, '#!/bin/sh\n');
    expect(created.startsWith('#!/bin/sh\n# >>> dbsafe >>>\n')).toBe(true);
    expect(removeBlock(created, '#!/bin/sh\n')).toBeNull();
    expect(removeBlock(`${created}user line\n`, '#!/bin/sh\n')).toBe('#!/bin/sh\nuser line\n');
  });
});
