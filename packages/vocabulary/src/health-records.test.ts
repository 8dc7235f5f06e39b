import { isRecordPointer, RECORD_POINTER_MAX } from './health-records';

describe('record pointers', () => {
  it('takes an IPFS CID or a URI of at most RECORD_POINTER_MAX characters', () => {
    expect(isRecordPointer(`bafkrei${'a'.repeat(52)}`)).toBe(true);
    expect(isRecordPointer('his://hospital1/R-1')).toBe(true);
    // A URI's pattern alone would take 257 characters: a 16-character scheme, ":" and 240 more.
    expect(isRecordPointer(`${'s'.repeat(15)}:${'a'.repeat(240)}`)).toBe(true);
    expect(isRecordPointer(`${'s'.repeat(16)}:${'a'.repeat(240)}`)).toBe(false);
    expect(`${'s'.repeat(16)}:${'a'.repeat(240)}`).toHaveLength(RECORD_POINTER_MAX + 1);
    expect(isRecordPointer('his://with space')).toBe(false);
    expect(isRecordPointer('')).toBe(false);
  });
});
