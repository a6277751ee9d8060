// What a backend can do, as data: the public layer and the contract suite branch on these flags, never on names.

/** Capabilities a backend declares. */
export interface BackendCapabilities {
  /** Jobs and events are shared between processes (false for memory). */
  crossProcess: boolean;
  /** Workers may use topic patterns (`email.*`, `reports.#`) as queue names. */
  topicWildcards: boolean;
  /** Failed and malformed messages land in a native dead-letter queue. */
  nativeDeadLetter: boolean;
  /** `fetch` waits on the server for work instead of polling. */
  blockingFetch: boolean;
  /**
   * The backend chooses the next job, so fairness groups are served round-robin. False where a transport
   * delivers in its own order (RabbitMQ): there, group limits hold but order is the broker's FIFO.
   */
  roundRobinGroups: boolean;
}
