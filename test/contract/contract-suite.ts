// The backend contract, as one suite every backend runs unchanged. A behaviour not in here is not promised.
import { describe } from "vitest";
import type { Backend } from "../../src/index.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { adminCases } from "./behaviour/admin.js";
import { controlCases } from "./behaviour/control.js";
import { deadLetterCases } from "./behaviour/dead-letters.js";
import { dependencyCases } from "./behaviour/dependencies.js";
import { enqueueCases } from "./behaviour/enqueue.js";
import { eventBusCases } from "./behaviour/event-bus.js";
import { eventCases, filteredEventCases } from "./behaviour/events.js";
import { flowCases } from "./behaviour/flows.js";
import { groupCases } from "./behaviour/groups.js";
import { lifecycleCases } from "./behaviour/lifecycle.js";
import { lockCases } from "./behaviour/locks.js";
import { maintenanceCases } from "./behaviour/maintenance.js";
import { orderingCases } from "./behaviour/ordering.js";
import { progressCases } from "./behaviour/progress-logs.js";
import { registryCases } from "./behaviour/registry.js";
import { retryCases } from "./behaviour/retries.js";
import { scheduleCases } from "./behaviour/schedules.js";
import { searchCases } from "./behaviour/search.js";
import { snapshotCases } from "./behaviour/snapshots.js";
import { timeoutCases } from "./behaviour/timeouts.js";
import { timingCases } from "./behaviour/timing.js";
import { traceContextCases } from "./behaviour/trace-context.js";
import { validationCases } from "./behaviour/validation.js";
import { workerCases } from "./behaviour/worker.js";

/** What each behaviour file receives. */
export interface ContractContext {
  harness: Harness;
}

/** Options of {@link defineContractSuite}. */
export interface ContractSuiteOptions {
  name: string;
  create: () => Backend | Promise<Backend>;
}

/** Registers the whole contract suite for one backend. */
export function defineContractSuite(options: ContractSuiteOptions): void {
  describe(`contract: ${options.name}`, () => {
    const ctx: ContractContext = { harness: useHarness(options.create) };
    for (const cases of [
      enqueueCases,
      traceContextCases,
      validationCases,
      orderingCases,
      retryCases,
      deadLetterCases,
      timeoutCases,
      controlCases,
      progressCases,
      eventCases,
      filteredEventCases,
      adminCases,
      workerCases,
      lockCases,
      maintenanceCases,
      registryCases,
      eventBusCases,
      scheduleCases,
      flowCases,
      dependencyCases,
      groupCases,
      lifecycleCases,
      timingCases,
      snapshotCases,
      searchCases,
    ]) {
      cases(ctx);
    }
  });
}
