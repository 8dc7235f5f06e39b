import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  fromHex,
  merkleLeaf,
  merkleProof,
  merkleRoot,
  toHex,
  utf8Bytes,
  verifyMerkleProof,
  type MerkleStep,
} from './merkle';

const sm3 = (data: Uint8Array): Uint8Array => createHash('sm3').update(data).digest();
const leaves = Array.from({ length: 7 }, (_, i) => merkleLeaf(sm3, JSON.stringify({ recordId: `r${i}` })));

function flip(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}

describe('the record Merkle tree', () => {
  it('hashes a leaf as SM3(0x00 || bytes), as openssl does', () => {
    const text = '{"recordId":"r0"}';
    const openssl = execFileSync('openssl', ['dgst', '-sm3', '-r'], {
      input: Buffer.concat([Buffer.of(0), Buffer.from(text)]),
    });
    expect(merkleLeaf(sm3, text)).toBe(openssl.toString().split(' ')[0]);
  });

  it('joins two nodes as SM3(0x01 || left || right) and promotes an odd last node', () => {
    const three = leaves.slice(0, 3);
    const node = (l: string, r: string) => toHex(sm3(new Uint8Array([1, ...fromHex(l), ...fromHex(r)])));
    expect(merkleRoot(sm3, three)).toBe(node(node(three[0]!, three[1]!), three[2]!));
    expect(merkleRoot(sm3, [leaves[0]!])).toBe(leaves[0]);
  });

  it('proves every leaf of trees of 1 to 7 leaves', () => {
    for (let n = 1; n <= leaves.length; n++) {
      const tree = leaves.slice(0, n);
      const root = merkleRoot(sm3, tree);
      tree.forEach((leaf, i) => expect(verifyMerkleProof(sm3, leaf, merkleProof(sm3, tree, i), root)).toBe(true));
    }
  });

  it('refuses a changed leaf, sibling, side or root', () => {
    const root = merkleRoot(sm3, leaves);
    const proof = merkleProof(sm3, leaves, 2);
    const first = proof[0] as MerkleStep;
    const otherSide: MerkleStep = { ...first, side: first.side === 'left' ? 'right' : 'left' };
    expect(verifyMerkleProof(sm3, flip(leaves[2]!), proof, root)).toBe(false);
    expect(verifyMerkleProof(sm3, leaves[2]!, [{ ...first, hash: flip(first.hash) }, ...proof.slice(1)], root)).toBe(
      false,
    );
    expect(verifyMerkleProof(sm3, leaves[2]!, [otherSide, ...proof.slice(1)], root)).toBe(false);
    expect(verifyMerkleProof(sm3, leaves[2]!, proof, flip(root))).toBe(false);
    expect(verifyMerkleProof(sm3, leaves[2]!, proof.slice(1), root)).toBe(false);
    expect(verifyMerkleProof(sm3, 'zz', proof, root)).toBe(false);
  });

  it('refuses an empty tree and an index outside it', () => {
    expect(() => merkleRoot(sm3, [])).toThrow('at least one leaf');
    expect(() => merkleProof(sm3, leaves, 7)).toThrow('outside');
  });
});

describe('utf8Bytes', () => {
  it('encodes as Buffer does', () => {
    const text = 'a é 中文 😀 \u007f\u0080\u07ff\u0800\uffff';
    expect(Buffer.from(utf8Bytes(text)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });
});

describe('hex', () => {
  it('round-trips every byte and refuses anything but lowercase hexadecimal pairs', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(Buffer.from(all).toString('hex'));
    expect(fromHex(toHex(all))).toEqual(all);
    for (const bad of ['AB', '0g', 'abc', 'é0', ' 0']) expect(() => fromHex(bad)).toThrow('not lowercase hexadecimal');
  });
});
