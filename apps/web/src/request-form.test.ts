import { newRequestForm, readRequestForm } from './request-form';

const now = new Date('2026-03-01T08:00:00.000Z');
const filled = { ...newRequestForm(), residentId: 'a'.repeat(64), recordTypes: ['LAB_REPORT'], days: '7' };

describe('the access-request form', () => {
  it('reads a request for the days asked, every field by default', () => {
    expect(readRequestForm(filled, now)).toEqual({
      residentId: 'a'.repeat(64),
      purpose: 'TREATMENT',
      referralId: null,
      scope: { recordTypes: ['LAB_REPORT'], recordIds: [], fields: ['*'] },
      notBefore: '2026-03-01T07:59:00.000Z',
      notAfter: '2026-03-08T08:00:00.000Z',
      message: '',
    });
  });

  it.each([
    ['a short resident id', { residentId: 'abc' }],
    ['no record type', { recordTypes: [] }],
    ['zero days', { days: '0' }],
    ['a referral without its id', { purpose: 'REFERRAL' }],
  ])('refuses %s', (_what, change) => {
    expect(() => readRequestForm({ ...filled, ...change }, now)).toThrow('invalid input');
  });
});
