/**
 * Test helper: what a read through a filesystem view failed with, as the failure kind and the
 * message; anything but a TargetReadError fails the test.
 */
import { TargetReadError } from '../fs-view.js';

export async function readError(read: Promise<unknown>): Promise<{ failure: string; message: string }> {
  const error = await read.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TargetReadError)) throw new Error(`expected a TargetReadError, got ${String(error)}`);
  return { failure: error.failure, message: error.message };
}
