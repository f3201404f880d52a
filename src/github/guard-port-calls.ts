/**
 * How every call of the repository port leaves: a failure as a translated SteeringError, and for
 * the answers callers expect to be absent (no branch, no file, no PR; any branch of an empty
 * repository, which GitHub answers with 409) null.
 */
import { SteeringError } from '../errors.js';

export type Translate = (err: unknown, operation: string) => SteeringError;

/** How every call of the port leaves: a translated error, or (for "absent" answers) null. */
export interface Guard {
  call<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  orNull<T>(operation: string, fn: () => Promise<T>): Promise<T | null>;
}

export function guard(translate: Translate): Guard {
  async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translate(err, operation);
    }
  }
  async function orNull<T>(operation: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await call(operation, fn);
    } catch (err) {
      if (err instanceof SteeringError && err.code === 'GITHUB_NOT_FOUND') return null;
      // An empty repository (no commit yet) has no branch at all.
      if (
        err instanceof SteeringError &&
        (err.details as { status?: number } | undefined)?.status === 409
      )
        return null;
      throw err;
    }
  }
  return { call, orNull };
}
