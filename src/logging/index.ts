// The logging entry: the Logger seam, the default logger and the redaction rules a user's own pino can share.
export type { LogFn, Logger } from "./logger.js";
export { isLogger, silentLogger } from "./logger.js";
export { LOG_LEVELS, type LogLevel } from "./log-levels.js";
export { defaultLogger, defaultLogLevel, setDefaultLogLevel } from "./default-logger.js";
export { warrenRedaction } from "./log-redaction.js";
