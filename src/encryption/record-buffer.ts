/**
 * Collects written bytes and hands them out in records of `size` bytes,
 * keeping the last `size` bytes back until the input ends: a record is sealed
 * as the last one only when nothing follows it. Memory stays within one
 * record plus one write, whatever the file size.
 */
export class RecordBuffer {
  private pieces: Buffer[] = [];
  private length = 0;

  constructor(private readonly size: number) {}

  push(chunk: Buffer): void {
    this.pieces.push(chunk);
    this.length += chunk.length;
  }

  /** Records that are certainly not the last (more bytes follow them). */
  *complete(): Generator<Buffer> {
    if (this.length <= this.size) return;
    let joined = Buffer.concat(this.pieces, this.length);
    let at = 0;
    while (joined.length - at > this.size) {
      yield joined.subarray(at, at + this.size);
      at += this.size;
    }
    joined = joined.subarray(at);
    this.pieces = [joined];
    this.length = joined.length;
  }

  rest(): Buffer {
    return Buffer.concat(this.pieces, this.length);
  }
}
