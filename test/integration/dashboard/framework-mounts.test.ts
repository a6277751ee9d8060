// The mounting examples of docs/operations/dashboard.md for Express and Fastify, as written there: a page, a
// read and an action that carries a body (adding a job) all reach the dashboard under the host's path, and the
// host's own routes and body parsing keep working beside it. Real Redis behind it. (package.json pins Fastify's
// light-my-request to 6.6.0: later ones need cookie 2, which declares Node ≥ 22 and npm here refuses it.)
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { Queue, RedisBackend } from "../../../src/index.js";
import { createDashboard } from "../../../src/dashboard/index.js";
import { requireService, SERVICE_URLS } from "../../helpers/services.js";

const reachable = await requireService("redis");
const headers = { authorization: "Bearer tok", "content-type": "application/json" };

/** A page, a read and an action with a body, through the host at `origin` under /admin/queues. */
async function exercise(origin: string, queue: Queue): Promise<void> {
  const page = await fetch(`${origin}/admin/queues/queues/${queue.name}`, { headers });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`href="/admin/queues/assets/style.css?v=`);
  expect((await fetch(`${origin}/admin/queues/api/queues`, { headers })).status).toBe(200);
  const added = await fetch(`${origin}/admin/queues/api/queues/${queue.name}/jobs`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "from-the-host", data: { n: 1 } }),
  });
  expect(added.status).toBe(200);
  const { job } = (await added.json()) as { job: { id: string } };
  expect((await queue.getJob(job.id))?.name).toBe("from-the-host");
}

describe.runIf(reachable)("the dashboard mounted in Express and Fastify (real Redis)", () => {
  const prefix = `wm-${randomBytes(4).toString("hex")}`;
  const backend = new RedisBackend({ url: SERVICE_URLS.redis, prefix });
  const queue = new Queue("mounted", { backend });
  const dashboard = createDashboard({ backend, basePath: "/admin/queues", auth: { token: "tok" } });

  afterAll(async () => {
    await dashboard.close();
    await queue.obliterate({ force: true });
    await backend.close();
  });

  it("serves under Express, mounted before the host's body parser", async () => {
    const app = express();
    app.use("/admin/queues", dashboard.handler);
    app.use(express.json());
    app.post("/echo", (request, response) => void response.json(request.body));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await exercise(origin, queue);
      const echoed = await fetch(`${origin}/echo`, { method: "POST", headers, body: '{"a":1}' });
      expect(await echoed.json()).toEqual({ a: 1 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("serves under Fastify, in a scope that leaves the body unread", async () => {
    const fastify = Fastify();
    await fastify.register((scope, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", (_request, _payload, done) => done(null)); // leave the body unread
      const forward = (request: FastifyRequest, reply: FastifyReply): void => {
        reply.hijack();
        dashboard.handler(request.raw, reply.raw);
      };
      scope.all("/admin/queues", forward);
      scope.all("/admin/queues/*", forward);
      done();
    });
    fastify.post("/echo", (request) => request.body);
    const origin = await fastify.listen({ port: 0, host: "127.0.0.1" });
    try {
      await exercise(origin, queue);
      const echoed = await fetch(`${origin}/echo`, { method: "POST", headers, body: '{"a":1}' });
      expect(await echoed.json()).toEqual({ a: 1 });
    } finally {
      await fastify.close();
    }
  });
});
