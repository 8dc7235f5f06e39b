import { absoluteLink, shareRequest } from './share-form';
import { InputError } from './messages';

describe("the resident's share-link form", () => {
  const form = { recordId: ' LAB-1 ', all: false, fields: 'diagnosis, labResults.crp，diagnosis', minutes: 60 };

  it('makes the request: trimmed id, fields without repeats, or all fields', () => {
    expect(shareRequest(form)).toEqual({
      recordId: 'LAB-1',
      fields: ['diagnosis', 'labResults.crp'],
      expiresInMinutes: 60,
    });
    expect(shareRequest({ ...form, all: true, fields: '' }).fields).toEqual(['*']);
  });

  it('refuses a missing record id, no field, or a malformed field', () => {
    expect(() => shareRequest({ ...form, recordId: '' })).toThrow(InputError);
    expect(() => shareRequest({ ...form, fields: ' , ' })).toThrow(InputError);
    expect(() => shareRequest({ ...form, fields: 'a..b' })).toThrow(InputError);
  });

  it('passes the link on absolute, with its fragment', () => {
    expect(absoluteLink('/app/share.html#id.key', 'https://hdt.example')).toBe(
      'https://hdt.example/app/share.html#id.key',
    );
  });
});
