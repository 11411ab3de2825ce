/**
 * The configuration's `compression` and the codecs it can name, as data and
 * pure checks: loaded with the configuration by every command, so it imports
 * nothing (running a codec is src/engines/compression.ts).
 */

export type CodecName = 'zstd' | 'lz4' | 'gzip' | 'none';

/** The configuration's `compression`: a codec, and optionally its level. */
export interface CompressionSetting {
  codec: CodecName;
  level?: number;
}

export interface CodecSpec {
  /** The codec's own program; null when Node does it. */
  program: string | null;
  /** Accepted levels, inclusive; null when the codec has none. */
  levels: [number, number] | null;
  defaultLevel: number | null;
  /** First bytes of every stream this codec writes (how a restore recognises it). */
  magic: Buffer | null;
}

/** Every codec, as data. A new codec is a new row. */
export const CODECS: Record<CodecName, CodecSpec> = {
  zstd: { program: 'zstd', levels: [1, 19], defaultLevel: 1, magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
  lz4: { program: 'lz4', levels: [1, 12], defaultLevel: 1, magic: Buffer.from([0x04, 0x22, 0x4d, 0x18]) },
  gzip: { program: null, levels: [1, 9], defaultLevel: 1, magic: Buffer.from([0x1f, 0x8b]) },
  none: { program: null, levels: null, defaultLevel: null, magic: null },
};

/** The problem with a configured `compression`, one sentence, or null when valid. Pure. */
export function compressionSettingProblem(value: unknown): string | null {
  const names = Object.keys(CODECS).map((name) => `"${name}"`).join(', ');
  const expected = `must be one of ${names}, or {"codec": "zstd", "level": 3}`;
  const setting = typeof value === 'string' ? { codec: value } : value;
  if (setting === null || typeof setting !== 'object' || Array.isArray(setting)) return expected;
  const { codec, level, ...rest } = setting as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `has unknown keys ${Object.keys(rest).join(', ')}: ${expected}`;
  if (typeof codec !== 'string' || !Object.hasOwn(CODECS, codec)) return expected;
  if (level === undefined) return null;
  const levels = CODECS[codec as CodecName].levels;
  if (!levels) return `"level" cannot be set for "${codec}", which does not compress`;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < levels[0] || level > levels[1]) {
    return `"level" for "${codec}" must be a whole number from ${levels[0]} to ${levels[1]}`;
  }
  return null;
}

/** A valid configured value as a setting. Pure. */
export function toCompressionSetting(value: string | CompressionSetting): CompressionSetting {
  return typeof value === 'string' ? { codec: value as CodecName } : value;
}

