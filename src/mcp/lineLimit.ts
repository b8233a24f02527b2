import { Transform, type TransformCallback } from 'node:stream';

/**
 * The MCP SDK's stdio transport holds at most 10 MiB of unread input; past that it closes itself,
 * stdin goes quiet and the server process exits without a word, so one oversize request ends every
 * later call. This filter sits between stdin and the transport: lines (JSON-RPC messages) up to the
 * limit pass whole; a longer one is dropped as it streams, and the server answers its request id
 * with an error instead.
 */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface DroppedMessage {
  bytes: number;
  /** The request's id when it could be read from the start or the end of the line. */
  id: string | number | undefined;
}

/** Enough of each end of a dropped line to read a top-level `"id"`. */
const EDGE_BYTES = 256;
const NEWLINE = 0x0a;

export class LineLimit extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dropping: { head: Buffer; tail: Buffer; bytes: number } | undefined;

  constructor(
    private readonly limit: number,
    private readonly onDrop: (dropped: DroppedMessage) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      this.accept(chunk.subarray(start, nl === -1 ? chunk.length : nl));
      if (nl === -1) break;
      this.endLine();
      start = nl + 1;
    }
    done();
  }

  private accept(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.dropping) {
      this.dropping.bytes += piece.length;
      this.dropping.tail = lastBytes(Buffer.concat([this.dropping.tail, piece]));
      return;
    }
    if (this.pendingBytes + piece.length <= this.limit) {
      this.pending.push(piece);
      this.pendingBytes += piece.length;
      return;
    }
    const line = Buffer.concat([...this.pending, piece]);
    this.dropping = { head: Buffer.from(line.subarray(0, EDGE_BYTES)), tail: lastBytes(line), bytes: line.length };
    this.pending = [];
    this.pendingBytes = 0;
  }

  private endLine(): void {
    if (this.dropping) {
      const { head, tail, bytes } = this.dropping;
      this.dropping = undefined;
      this.onDrop({ bytes, id: requestId(head.toString('utf8'), tail.toString('utf8')) });
      return;
    }
    // Blank lines carry no message; passed on, the transport would only report a JSON error.
    if (this.pendingBytes === 0) return;
    // One push per line: the transport's own buffer then never holds more than one message.
    this.pending.push(Buffer.from([NEWLINE]));
    this.push(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function lastBytes(b: Buffer): Buffer {
  return Buffer.from(b.subarray(Math.max(0, b.length - EDGE_BYTES)));
}

const ID = String.raw`"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")`;
/** `"id"` as the first key, as most clients write it. */
const ID_FIRST = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?${ID}`);
/** `"id"` as the last key, as the TypeScript SDK writes it: only the top level closes with the final brace. */
const ID_LAST = new RegExp(String.raw`[,{]\s*${ID}\s*\}\s*\r?$`);

function requestId(head: string, tail: string): string | number | undefined {
  const found = ID_FIRST.exec(head) ?? ID_LAST.exec(tail);
  if (!found) return undefined;
  try {
    return JSON.parse(found[1]) as string | number;
  } catch {
    return undefined;
  }
}
