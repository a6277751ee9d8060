// Aborting one try of a job. Its AbortSignal is made only when the processor reads it: an AbortController,
// a Promise.race and an abort listener per job were a tenth of a worker's CPU on the memory backend.

/** The abort side of one try: the worker aborts it (timeout, cancel, lost lock, forced close). */
export class AttemptAbort {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  private listener: ((reason: unknown) => void) | undefined;

  /** Whether the try was aborted. */
  get isAborted(): boolean {
    return this.aborted;
  }

  /** Why the try was aborted (undefined until it is). */
  get reason(): unknown {
    return this.abortReason;
  }

  /** The signal handed to the processor, created on first read and already aborted if the try was. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Aborts the try; the first reason wins. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listener = this.listener;
    this.listener = undefined;
    listener?.(reason);
  }

  /** Calls `listener` once when the try is aborted (at once if it already was). One listener at a time. */
  onAbort(listener: (reason: unknown) => void): void {
    if (this.aborted) listener(this.abortReason);
    else this.listener = listener;
  }
}
