// The ValidationError a constructor or parser throws, with its code checked: the test fails if it throws nothing,
// something else, or another code.
import { expect } from "vitest";
import { ValidationError } from "../../src/errors/index.js";

/** Runs `build`, expects a ValidationError with `code`, and returns it for checks on its message. */
export function refusedWith(code: string, build: () => unknown): ValidationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(code);
    return error as ValidationError;
  }
  throw new Error(`expected a ValidationError ${code}, but nothing was thrown`);
}
