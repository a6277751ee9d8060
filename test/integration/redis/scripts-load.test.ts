import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { SCRIPT_NAMES } from "../../../src/backend/redis/script-runner.js";
import { scriptSource } from "../../../src/backend/redis/script-source.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("redis");

describe.runIf(reachable)("Redis scripts on a real server", () => {
  const client = new Redis(SERVICE_URLS.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(() => client.quit());

  it.each([...SCRIPT_NAMES])("%s, joined with its includes, compiles (SCRIPT LOAD)", async (name) => {
    const { source } = await scriptSource(name);
    // SCRIPT LOAD compiles without running: a syntax error, or a chunk past Lua's 200 locals, fails here.
    expect(await client.script("LOAD", source)).toMatch(/^[0-9a-f]{40}$/);
  });
});
