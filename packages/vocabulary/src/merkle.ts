/**
 * The Merkle tree anchoring a batch of record indices, shared by the chaincode (which computes
 * the root), the gateway (which builds proofs) and any verifier.
 *
 * - leaf  = H(0x00 || UTF-8 bytes of canonical JSON of the RecordLeafEntry)
 * - node  = H(0x01 || left || right)
 * - A level of odd length promotes its last node unchanged to the level above.
 * - The root of one leaf is that leaf. H is SM3 (32 bytes); hashes travel as lowercase hex.
 *
 * The hash function is passed in, so this module needs no platform crypto.
 */
export type HashFunction = (data: Uint8Array) => Uint8Array;

export const MERKLE_LEAF_PREFIX = 0x00;
export const MERKLE_NODE_PREFIX = 0x01;

/** One step from a node up to its parent: the sibling and the side it is on. */
export interface MerkleStep {
  readonly side: 'left' | 'right';
  readonly hash: string;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Value of each lowercase hexadecimal digit by character code; -1 for any other character. */
const HEX_VALUE = Array.from({ length: 128 }, (_, code) => '0123456789abcdef'.indexOf(String.fromCharCode(code)));

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += HEX_PAIRS[byte] as string;
  return hex;
}

function hexDigit(hex: string, at: number): number {
  const value = HEX_VALUE[hex.charCodeAt(at)] ?? -1;
  if (value < 0) throw new Error('not lowercase hexadecimal bytes');
  return value;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new Error('not lowercase hexadecimal bytes');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = hexDigit(hex, 2 * i) * 16 + hexDigit(hex, 2 * i + 1);
  return bytes;
}

function prefixed(prefix: number, parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 1);
  const out = new Uint8Array(length);
  out[0] = prefix;
  let offset = 1;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The WHATWG encoder, global in Node and browsers (this package builds without either's types). */
declare class TextEncoder {
  encode(input: string): Uint8Array;
}
const encoder = new TextEncoder();

/** UTF-8 bytes of a well-formed string (canonical JSON never holds a lone surrogate). */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The leaf hash of a canonical JSON text. */
export function merkleLeaf(hash: HashFunction, canonicalEntry: string): string {
  return toHex(hash(prefixed(MERKLE_LEAF_PREFIX, [utf8Bytes(canonicalEntry)])));
}

function parent(hash: HashFunction, left: string, right: string): string {
  return toHex(hash(prefixed(MERKLE_NODE_PREFIX, [fromHex(left), fromHex(right)])));
}

function nextLevel(hash: HashFunction, level: readonly string[]): string[] {
  const up: string[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i] as string;
    const right = level[i + 1];
    up.push(right === undefined ? left : parent(hash, left, right));
  }
  return up;
}

export function merkleRoot(hash: HashFunction, leaves: readonly string[]): string {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  let level = [...leaves];
  while (level.length > 1) level = nextLevel(hash, level);
  return level[0] as string;
}

/** The sibling path of leaf `index`, bottom up; a promoted node has no step at its level. */
export function merkleProof(hash: HashFunction, leaves: readonly string[], index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new Error(`leaf index ${index} is outside 0..${leaves.length - 1}`);
  }
  const steps: MerkleStep[] = [];
  let level = [...leaves];
  let position = index;
  while (level.length > 1) {
    const sibling = position % 2 === 0 ? position + 1 : position - 1;
    const siblingHash = level[sibling];
    if (siblingHash !== undefined) steps.push({ side: sibling < position ? 'left' : 'right', hash: siblingHash });
    level = nextLevel(hash, level);
    position = Math.floor(position / 2);
  }
  return steps;
}

/** Whether `leaf` with the sibling path `steps` leads to `root`. Malformed hex never verifies. */
export function verifyMerkleProof(
  hash: HashFunction,
  leaf: string,
  steps: readonly MerkleStep[],
  root: string,
): boolean {
  const hex64 = /^[0-9a-f]{64}$/;
  if (!hex64.test(leaf) || !hex64.test(root) || steps.some((step) => !hex64.test(step.hash))) return false;
  let node = leaf;
  for (const step of steps) {
    node = step.side === 'left' ? parent(hash, step.hash, node) : parent(hash, node, step.hash);
  }
  return node === root;
}
