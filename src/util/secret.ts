/**
 * A secret (password, passphrase, private key) that cannot leak by accident: printing, logging,
 * JSON-encoding or interpolating it yields a placeholder; only `reveal()` gives the value, and
 * only the code that hands it to the transport calls it.
 */
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string | Buffer;

  constructor(value: string | Buffer) {
    this.#value = value;
  }

  reveal(): string | Buffer {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
