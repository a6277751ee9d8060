// Sends the events of statements that committed by themselves (claims, finishes), in the order they committed,
// without holding their caller: the claimed jobs go to the worker while their "active" events are on the wire.
// One NOTIFY statement is in flight at a time; events announced meanwhile go together in the next one, so a
// burst of small claims costs a few statements, not one each.

/** Sends one batch of NOTIFY payloads (already chunked under the payload limit). */
export type SendPayloads = (payloads: string[]) => Promise<unknown>;

interface Waiter {
  /** How many payloads had been announced when the wait began. */
  upTo: number;
  resolve: () => void;
}

/** Announces events after their statement, in order, coalescing what arrives while one batch is in flight. */
export class EventAnnouncer {
  private queued: string[] = [];
  private announcedCount = 0;
  private sentCount = 0;
  private sending = false;
  private waiters: Waiter[] = [];

  constructor(
    private readonly send: SendPayloads,
    private readonly onError: (error: unknown) => void,
  ) {}

  announce(payloads: string[]): void {
    if (payloads.length === 0) return;
    this.queued.push(...payloads);
    this.announcedCount += payloads.length;
    if (!this.sending) void this.sendQueued();
  }

  /**
   * Resolves once every event announced before this call was sent (or failed to be): a transaction that
   * commits events of its own waits for this first, so a job's "failed" never overtakes its "active".
   */
  sent(): Promise<void> {
    if (this.sentCount >= this.announcedCount) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.announcedCount, resolve }));
  }

  private async sendQueued(): Promise<void> {
    this.sending = true;
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      // A failed NOTIFY loses those events, never the work: the statements they describe have committed.
      await this.send(batch).catch(this.onError);
      this.sentCount += batch.length;
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.upTo > this.sentCount) return true;
        waiter.resolve();
        return false;
      });
    }
    this.sending = false;
  }
}
