import { describe, expect, it } from "vitest";
import { authenticate, secretsEqual } from "../../../src/dashboard/auth.js";
import { crossSiteReason, CsrfTokens } from "../../../src/dashboard/csrf.js";
import { resolveDashboardOptions } from "../../../src/dashboard/dashboard-options.js";
import { MemoryBackend } from "../../../src/index.js";

const request = (headers: Record<string, string>, url = "http://dash.local/api/queues"): Request =>
  new Request(url, { headers });
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("dashboard sign-in", () => {
  it("compares secrets of any length without throwing", () => {
    expect(secretsEqual("a", "a")).toBe(true);
    expect(secretsEqual("a", "a much longer secret")).toBe(false);
    expect(secretsEqual("", "x")).toBe(false);
  });

  it("accepts the token as a bearer (not ambient) or as a Basic password (ambient)", async () => {
    const auth = { token: "t0k" };
    expect(await authenticate(auth, request({ authorization: "Bearer t0k" }))).toEqual({
      user: "token",
      role: "admin",
      ambient: false,
    });
    expect(await authenticate(auth, request({ authorization: basic("ops", "t0k") }))).toMatchObject({
      user: "ops",
      ambient: true,
    });
    expect(await authenticate(auth, request({ authorization: "Bearer nope" }))).toBeNull();
    expect(await authenticate(auth, request({}))).toBeNull();
  });

  it("accepts only a listed user with its own password", async () => {
    const auth = { users: { ada: "one", bob: "two" } };
    expect(await authenticate(auth, request({ authorization: basic("bob", "two") }))).toMatchObject({
      user: "bob",
    });
    expect(await authenticate(auth, request({ authorization: basic("bob", "one") }))).toBeNull();
    expect(await authenticate(auth, request({ authorization: basic("eve", "one") }))).toBeNull();
    expect(await authenticate(auth, request({ authorization: "Basic !!!" }))).toBeNull();
  });

  it("takes a function's identity, treating anything but admin as a viewer", async () => {
    const auth = () => Promise.resolve({ user: "vic", role: "superuser" as "admin" });
    expect(await authenticate(auth, request({}))).toMatchObject({ user: "vic", role: "viewer" });
  });
});

describe("dashboard cross-site checks", () => {
  it("refuses another origin or a cross-site fetch, allows same-origin and requests without either", () => {
    expect(crossSiteReason(request({ origin: "https://evil.example", host: "dash.local" }))).toMatch(
      /Origin/,
    );
    expect(crossSiteReason(request({ "sec-fetch-site": "same-site" }))).toMatch(/same-site/);
    expect(crossSiteReason(request({ origin: "http://dash.local", host: "dash.local" }))).toBeUndefined();
    const proxied = {
      origin: "https://ops.example",
      host: "10.0.0.5:9465",
      "x-forwarded-host": "ops.example",
    };
    expect(crossSiteReason(request(proxied))).toBeUndefined();
    expect(crossSiteReason(request({ "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(crossSiteReason(request({}))).toBeUndefined();
  });

  it("issues a CSRF token per user that another key or user does not match", () => {
    const tokens = new CsrfTokens("key");
    const ada = tokens.tokenFor("ada");
    expect(tokens.verify(request({ "x-warren-csrf": ada }), "ada")).toBe(true);
    expect(tokens.verify(request({ "x-warren-csrf": ada }), "bob")).toBe(false);
    expect(new CsrfTokens("other").verify(request({ "x-warren-csrf": ada }), "ada")).toBe(false);
    expect(tokens.verify(request({}), "ada")).toBe(false);
  });
});

describe("dashboard options", () => {
  const backend = new MemoryBackend();

  it("normalises the base path and refuses bad options with what to pass", () => {
    expect(resolveDashboardOptions({ backend, basePath: "/admin/queues/" }).basePath).toBe("/admin/queues");
    expect(resolveDashboardOptions({ backend }).basePath).toBe("");
    expect(() => resolveDashboardOptions({ backend, basePath: "admin" })).toThrow(/basePath must/);
    expect(() => resolveDashboardOptions({ backend, auth: { token: "" } })).toThrow(/auth.token/);
    expect(() => resolveDashboardOptions({ backend, auth: { users: {} } })).toThrow(/at least one user/);
    expect(() => resolveDashboardOptions({ backend, port: 1 } as never)).toThrow(
      /unknown dashboard option port/,
    );
  });
});
