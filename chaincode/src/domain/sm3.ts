import { createHash } from 'node:crypto';

/** SM3 (GB/T 32905-2016) of `data`, as `openssl dgst -sm3` computes it. */
export function sm3(data: Uint8Array): Uint8Array {
  return createHash('sm3').update(data).digest();
}
