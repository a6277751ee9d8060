// Server drivers load on first use: importing Warren (or using the memory backend) never loads ioredis, pg or
// amqplib, which cost ~40 MB of RSS and startup time together. All three are CommonJS, so a synchronous
// require keeps the backends' constructors synchronous.
import { createRequire } from "node:module";

const requireDriver = createRequire(import.meta.url);

/** The `ioredis` module. */
export function loadIoredis(): typeof import("ioredis") {
  return requireDriver("ioredis") as typeof import("ioredis");
}

/** The `pg` module. */
export function loadPg(): typeof import("pg") {
  return requireDriver("pg") as typeof import("pg");
}

/** The `amqplib` module. */
export function loadAmqplib(): typeof import("amqplib") {
  return requireDriver("amqplib") as typeof import("amqplib");
}
