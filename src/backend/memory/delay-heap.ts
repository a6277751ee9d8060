// Delayed jobs of one queue by due time: a binary min-heap with lazy deletion (stale stamps are skipped).
import type { StoredJob } from "./queue-state.js";

/** A delayed job's slot in the heap. */
export interface DelayEntry {
  runAt: number;
  seq: number;
  job: StoredJob;
  stamp: number;
}

function before(a: DelayEntry, b: DelayEntry): boolean {
  return a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq);
}

/** Min-heap of delayed jobs ordered by (runAt, seq). */
export class DelayHeap {
  private heap: DelayEntry[] = [];

  push(entry: DelayEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest live entry, dropping dead ones on the way. */
  peek(isLive: (entry: DelayEntry) => boolean): DelayEntry | undefined {
    while (this.heap.length > 0 && !isLive(this.heap[0]!)) this.pop();
    return this.heap[0];
  }

  pop(): DelayEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
