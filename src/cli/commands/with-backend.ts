// Runs one CLI action against a backend built from --url / WARREN_URL, and always closes it.
import { createBackend } from "../../backend/create-backend.js";
import type { Backend } from "../../backend/contract.js";
import { EXIT_OK, reportError } from "../output.js";

/** Global options every command receives. */
export interface GlobalOptions {
  url?: string;
  json?: boolean;
}

/** Runs `action`, sets the exit code, and closes the backend even when the action throws. */
export async function withBackend(
  globals: GlobalOptions,
  action: (backend: Backend, json: boolean) => Promise<void>,
): Promise<void> {
  let backend: Backend | undefined;
  try {
    backend = await createBackend(globals.url);
    // A read may touch only the job store (amqp+redis lists jobs from Redis): check every server the URL
    // names, so a broker that is down or refuses the password is reported instead of an empty table.
    await backend.ping();
    await action(backend, globals.json ?? false);
    process.exitCode = EXIT_OK;
  } catch (error) {
    process.exitCode = reportError(error);
  } finally {
    await backend?.close().catch(() => undefined);
  }
}
