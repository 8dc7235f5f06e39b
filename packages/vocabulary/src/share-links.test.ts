import { ACCESS_BASES, SHARE_LINK_REFUSALS } from './access';
import { CONSENT_PURPOSES } from './consent';
import { ERROR_CATALOGUE } from './errors';
import {
  ACCESS_LOG_BASES,
  ACCESS_LOG_PURPOSES,
  SHARE_LINK_BASIS,
  SHARE_LINK_KEY,
  SHARE_LINK_PURPOSE,
} from './share-links';

describe('share links', () => {
  it("extend the access log's bases and purposes without changing the ledger's", () => {
    expect(ACCESS_LOG_BASES).toEqual([...ACCESS_BASES, SHARE_LINK_BASIS]);
    expect(ACCESS_LOG_PURPOSES).toEqual([...CONSENT_PURPOSES, SHARE_LINK_PURPOSE]);
    expect(ACCESS_BASES).not.toContain(SHARE_LINK_BASIS);
    expect(CONSENT_PURPOSES).not.toContain(SHARE_LINK_PURPOSE);
  });

  it('answer each refusal as 410 Gone under the same code', () => {
    for (const reason of SHARE_LINK_REFUSALS) expect(ERROR_CATALOGUE[reason].status).toBe(410);
  });

  it('take a key of 32 bytes in lowercase hex only', () => {
    expect(SHARE_LINK_KEY.test('0a'.repeat(32))).toBe(true);
    expect(SHARE_LINK_KEY.test('0A'.repeat(32))).toBe(false);
    expect(SHARE_LINK_KEY.test('0a'.repeat(16))).toBe(false);
  });
});
