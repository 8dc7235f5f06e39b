/// <reference types="node" />
// These tests run in Node, where the gateway seals.
import { randomBytes } from 'node:crypto';
import { sealEnvelope } from '@hdt/offchain-store';
import { toHex } from './key-vault';
import { openSealed, openShared, parseShareFragment, parseShareLinkList, ShareKeyError } from './share-link';

const LINK_ID = '0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b';

function sealed(document: object, key: Buffer) {
  const bytes = sealEnvelope(Buffer.from(JSON.stringify(document), 'utf8'), key);
  return { linkId: LINK_ID, expiresAt: '2026-12-01T00:00:00.000Z', sealedBase64: bytes.toString('base64') };
}

const SHARED = {
  recordId: 'LAB-1',
  recordType: 'LAB_REPORT',
  fields: { diagnosis: '肺炎 J18.9', 'labResults.crp': 56 },
  missingFields: ['allergies'],
  attachment: null,
  sharedAt: '2026-11-30T08:00:00.000Z',
  expiresAt: '2026-12-01T00:00:00.000Z',
};

describe('opening a share link in the browser', () => {
  it("opens what the gateway's envelope sealed, for any length of content", () => {
    for (const size of [0, 1, 15, 16, 17, 1000]) {
      const key = randomBytes(32);
      const plain = randomBytes(size);
      const content = sealEnvelope(plain, key).toString('base64');
      expect(Buffer.from(openSealed(content, toHex(key)))).toEqual(plain);
    }
    const key = randomBytes(32);
    expect(openShared(sealed(SHARED, key), toHex(key))).toEqual(SHARED);
  });

  it('refuses another key and changed content', () => {
    const key = randomBytes(32);
    const content = sealed(SHARED, key);
    expect(() => openShared(content, toHex(randomBytes(32)))).toThrow(ShareKeyError);
    const bytes = Buffer.from(content.sealedBase64, 'base64');
    bytes[30] = (bytes[30] ?? 0) ^ 1;
    expect(() => openSealed(bytes.toString('base64'), toHex(key))).toThrow(ShareKeyError);
    expect(() => openSealed('AAAA', toHex(key))).toThrow(ShareKeyError);
  });

  it('reads the link id and the key from the fragment only when both are well formed', () => {
    const key = 'ab'.repeat(32);
    expect(parseShareFragment(`#${LINK_ID}.${key}`)).toEqual({ linkId: LINK_ID, key });
    expect(parseShareFragment(`#${LINK_ID}.${key.slice(2)}`)).toBeUndefined();
    expect(parseShareFragment(`#${LINK_ID}`)).toBeUndefined();
    expect(parseShareFragment('')).toBeUndefined();
  });

  it("parses the resident's list of links", () => {
    const link = {
      linkId: LINK_ID,
      recordId: 'LAB-1',
      recordType: 'LAB_REPORT',
      fields: ['*'],
      createdAt: '2026-11-30T08:00:00.000Z',
      expiresAt: '2026-12-01T00:00:00.000Z',
      withdrawnAt: null,
      status: 'ACTIVE',
      opens: 2,
    };
    expect(parseShareLinkList({ links: [link] })).toEqual([link]);
    expect(() => parseShareLinkList({ links: [{ ...link, status: 'OPEN' }] })).toThrow(/status/);
  });
});
