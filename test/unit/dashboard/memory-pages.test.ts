// The dashboard's fetch function on the in-memory backend: no server, no network, every page and the 404s.
import { afterAll, describe, expect, it } from "vitest";
import { createDashboard } from "../../../src/dashboard/index.js";
import { MemoryBackend, Queue } from "../../../src/index.js";

describe("the dashboard on the memory backend", () => {
  const backend = new MemoryBackend();
  const dashboard = createDashboard({ backend, basePath: "/ops" });
  const get = (path: string): Promise<Response> => dashboard.fetch(new Request(`http://dash.local${path}`));

  afterAll(async () => {
    await dashboard.close();
    await backend.close();
  });

  it("renders every page, with or without the base path in the URL", async () => {
    const job = await new Queue("mail", { backend }).add("welcome", { to: "ada@example.com" });
    const paths = [
      "/",
      "/queues/mail",
      `/queues/mail/jobs/${job.id}`,
      "/schedules",
      "/workers",
      "/dead-letters",
    ];
    for (const path of [...paths, "/charts", "/audit"]) {
      for (const url of [`/ops${path}`, path]) {
        const response = await get(url);
        expect(response.status, url).toBe(200);
        expect(await response.text()).toContain('<meta name="warren-base" content="/ops">');
      }
    }
  });

  it("answers 404 for an unknown job, page or endpoint", async () => {
    expect((await get("/ops/queues/mail/jobs/missing")).status).toBe(404);
    expect((await get("/ops/nowhere")).status).toBe(404);
    const api = await get("/ops/api/nowhere");
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("answers 400 for a queue name that is not one", async () => {
    expect((await get("/ops/api/queues/bad%20name/jobs")).status).toBe(400);
  });
});
