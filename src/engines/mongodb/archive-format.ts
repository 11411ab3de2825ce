import { createReadStream } from 'node:fs';

/** mongodump archives open with 0x8199e26d, stored little-endian. */
export const ARCHIVE_MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const TERMINATOR = -1;

export interface ArchiveHeader {
  version?: string;
  serverVersion?: string;
  toolVersion?: string;
}

export interface ArchiveSummary extends ArchiveHeader {
  /** "db.collection" of every collection and view the archive describes. */
  namespaces: string[];
}

export class ArchiveFormatError extends Error {}

type BsonValue = string | number | boolean | bigint | null | undefined;

/**
 * The top-level string, number and boolean fields of one BSON document.
 * Archive headers only hold those; anything else is skipped by its length
 * where BSON gives one, and ends the scan where it does not.
 */
export function readBsonFields(doc: Buffer): Record<string, BsonValue> {
  const fields: Record<string, BsonValue> = {};
  let at = 4;
  while (at < doc.length - 1) {
    const type = doc[at]!;
    const nameEnd = doc.indexOf(0, at + 1);
    if (nameEnd < 0) break;
    const name = doc.toString('utf8', at + 1, nameEnd);
    at = nameEnd + 1;
    switch (type) {
      case 0x02: {
        const length = doc.readInt32LE(at);
        fields[name] = doc.toString('utf8', at + 4, at + 4 + length - 1);
        at += 4 + length;
        break;
      }
      case 0x10:
        fields[name] = doc.readInt32LE(at);
        at += 4;
        break;
      case 0x12:
        fields[name] = doc.readBigInt64LE(at);
        at += 8;
        break;
      case 0x01:
        fields[name] = doc.readDoubleLE(at);
        at += 8;
        break;
      case 0x08:
        fields[name] = doc[at] === 1;
        at += 1;
        break;
      case 0x0a:
        fields[name] = null;
        break;
      case 0x03:
      case 0x04:
        at += doc.readInt32LE(at);
        break;
      default:
        return fields;
    }
  }
  return fields;
}

/** Pulls exact byte counts out of a file stream, holding at most one document in memory. */
class ChunkReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;
  private ended = false;

  constructor(file: string) {
    this.chunks = createReadStream(file)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async take(count: number): Promise<Buffer | null> {
    while (this.buffered.length < count && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else this.buffered = Buffer.concat([this.buffered, next.value]);
    }
    if (this.buffered.length < count) return null;
    const taken = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return taken;
  }

  async atEnd(): Promise<boolean> {
    if (this.buffered.length > 0) return false;
    const next = await this.chunks.next();
    if (next.done) return true;
    this.buffered = next.value;
    return false;
  }
}

const MAX_BSON_SIZE = 48 * 1024 * 1024;

/** The next BSON document, or TERMINATOR when the four bytes read are 0xffffffff. */
async function nextDocument(reader: ChunkReader, where: string): Promise<Buffer | typeof TERMINATOR> {
  const lengthBytes = await reader.take(4);
  if (!lengthBytes) throw new ArchiveFormatError(`it ends in the middle of ${where}`);
  const length = lengthBytes.readInt32LE(0);
  if (length === TERMINATOR) return TERMINATOR;
  if (length < 5 || length > MAX_BSON_SIZE) throw new ArchiveFormatError(`${where} has an impossible length (${length} bytes)`);
  const rest = await reader.take(length - 4);
  if (!rest) throw new ArchiveFormatError(`it ends in the middle of ${where}`);
  return Buffer.concat([lengthBytes, rest]);
}

/**
 * Walk a whole archive as mongodump's archive format defines it: magic,
 * header, collection metadata up to a terminator, then interleaved segments
 * of each collection closed by an EOF header. An archive cut short or
 * damaged fails here; it is read as a stream, so size does not matter.
 */
export async function readArchiveStructure(file: string): Promise<ArchiveSummary> {
  const reader = new ChunkReader(file);
  const magic = await reader.take(4);
  if (!magic || !magic.equals(ARCHIVE_MAGIC)) throw new ArchiveFormatError('it does not start with the mongodump archive magic number (0x8199e26d)');
  const headerDoc = await nextDocument(reader, 'the archive header');
  if (headerDoc === TERMINATOR) throw new ArchiveFormatError('it has no archive header');
  const header = readBsonFields(headerDoc);
  const namespaces: string[] = [];
  const needsEof = new Set<string>();
  for (;;) {
    const doc = await nextDocument(reader, 'the collection list');
    if (doc === TERMINATOR) break;
    const meta = readBsonFields(doc);
    const namespace = `${String(meta.db)}.${String(meta.collection)}`;
    namespaces.push(namespace);
    // Views carry metadata only; every collection's data ends with an EOF header.
    if (!String(meta.metadata ?? '').includes('"viewOn"')) needsEof.add(namespace);
  }
  while (!(await reader.atEnd())) {
    const headerOfSegment = await nextDocument(reader, 'a collection segment header');
    if (headerOfSegment === TERMINATOR) throw new ArchiveFormatError('a collection segment has no header');
    const segment = readBsonFields(headerOfSegment);
    const namespace = `${String(segment.db)}.${String(segment.collection)}`;
    if (segment.EOF === true) needsEof.delete(namespace);
    for (;;) {
      const doc = await nextDocument(reader, `the data of ${namespace}`);
      if (doc === TERMINATOR) break;
    }
  }
  if (needsEof.size > 0) throw new ArchiveFormatError(`it was cut short: ${[...needsEof].join(', ')} never reached its end marker`);
  return {
    version: typeof header.version === 'string' ? header.version : undefined,
    serverVersion: typeof header.server_version === 'string' ? header.server_version : undefined,
    toolVersion: typeof header.tool_version === 'string' ? header.tool_version : undefined,
    namespaces,
  };
}

/** The header fields of an archive from its first bytes (server and tool versions). */
export function readArchiveHeader(head: Buffer): ArchiveHeader {
  if (head.length < 8 || !head.subarray(0, 4).equals(ARCHIVE_MAGIC)) return {};
  const length = head.readInt32LE(4);
  if (length < 5 || head.length < 4 + length) return {};
  const fields = readBsonFields(head.subarray(4, 4 + length));
  return {
    version: typeof fields.version === 'string' ? fields.version : undefined,
    serverVersion: typeof fields.server_version === 'string' ? fields.server_version : undefined,
    toolVersion: typeof fields.tool_version === 'string' ? fields.tool_version : undefined,
  };
}
