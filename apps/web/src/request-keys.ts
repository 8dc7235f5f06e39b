/**
 * Idempotency-Keys of the write buttons. Sending the same request again — after an answer that
 * never arrived — reuses its key, so the gateway answers with the first result instead of writing
 * twice; another request, or the same one once it was answered, gets a new key.
 */

/** A fresh key: `web-` and 32 random hex digits. */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class RequestKeys {
  private last: { readonly request: string; readonly key: string } | undefined;

  constructor(private readonly newKey: () => string = randomKey) {}

  /** The key of `request` (a JSON value naming the operation, the invoice and what is sent). */
  keyFor(request: unknown): string {
    const text = JSON.stringify(request);
    if (this.last?.request !== text) this.last = { request: text, key: this.newKey() };
    return this.last.key;
  }

  /** The request was answered: sending it again is a new request. */
  answered(): void {
    this.last = undefined;
  }
}
