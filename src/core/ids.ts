// Job ids: UUID v7 (time-ordered, so ids sort roughly by creation), written here because it is a dozen lines.
// Random bytes come from a pooled CSPRNG buffer: one randomFillSync per 8 KiB instead of one per id, which
// was a tenth of the memory backend's CPU time.
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `n` fresh random bytes (a view into the pool: copy or encode before the next call). */
function takeRandom(n: number): Buffer {
  if (poolOffset + n > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return bytes;
}

let lastMs = 0;
let sequence = 0;
const uuidBytes = Buffer.alloc(16);

/** A new RFC 9562 UUID v7 for time `nowMs` (the caller's clock); monotonic within this process. */
export function uuidv7(nowMs: number): string {
  const bytes = uuidBytes;
  takeRandom(16).copy(bytes);
  // Keep ids strictly increasing within a millisecond by using 12 bits of rand_a as a counter.
  if (nowMs <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    sequence = bytes.readUInt16BE(6) & 0x7ff;
  }
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random opaque token (lock tokens, worker ids). */
export function randomToken(bytes = 12): string {
  return takeRandom(bytes).toString("base64url");
}
