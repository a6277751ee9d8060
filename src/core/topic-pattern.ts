// Queue names and topic patterns: `*` matches exactly one dot-separated word, `#` matches zero or more.
import { ValidationError } from "../errors/warren-error.js";

const QUEUE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const PATTERN_WORD = /^([A-Za-z0-9_-]+|\*|#)$/;
const MAX_QUEUE_NAME = 200;

/** Whether `name` contains wildcard words. */
export function isTopicPattern(name: string): boolean {
  // Asked for every event a subscriber sees: most names have no wildcard character at all.
  if (!name.includes("*") && !name.includes("#")) return false;
  return name.split(".").some((word) => word === "*" || word === "#");
}

/** Throws unless `name` is a valid queue name (letters, digits, `_`, `-`, dot-separated words). */
export function assertQueueName(name: unknown): asserts name is string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > MAX_QUEUE_NAME ||
    !QUEUE_NAME.test(name)
  ) {
    throw new ValidationError(
      "INVALID_QUEUE_NAME",
      `queue name must be 1–${MAX_QUEUE_NAME} characters of letters, digits, "_" or "-", in dot-separated words ` +
        `(got ${JSON.stringify(name)}); for example "email" or "email.welcome"`,
      { details: { name: String(name) } },
    );
  }
}

/** Throws unless `pattern` is a queue name or a topic pattern whose words are names, `*` or `#`. */
export function assertQueuePattern(pattern: unknown): asserts pattern is string {
  if (
    typeof pattern !== "string" ||
    pattern.length === 0 ||
    pattern.length > MAX_QUEUE_NAME ||
    !pattern.split(".").every((word) => PATTERN_WORD.test(word))
  ) {
    throw new ValidationError(
      "INVALID_QUEUE_NAME",
      `queue pattern must be dot-separated words of letters, digits, "_" or "-", or the wildcards "*" (one word) ` +
        `and "#" (any number of words) (got ${JSON.stringify(pattern)}); for example "email.*"`,
      { details: { pattern: String(pattern) } },
    );
  }
}

/** Whether queue `name` matches `pattern` (a plain name matches only itself). */
export function matchesTopic(pattern: string, name: string): boolean {
  if (!isTopicPattern(pattern)) return pattern === name;
  return matchWords(pattern.split("."), 0, name.split("."), 0);
}

function matchWords(pattern: string[], pi: number, words: string[], wi: number): boolean {
  if (pi === pattern.length) return wi === words.length;
  const head = pattern[pi];
  if (head === "#") {
    for (let skip = wi; skip <= words.length; skip++) {
      if (matchWords(pattern, pi + 1, words, skip)) return true;
    }
    return false;
  }
  if (wi === words.length) return false;
  if (head !== "*" && head !== words[wi]) return false;
  return matchWords(pattern, pi + 1, words, wi + 1);
}
