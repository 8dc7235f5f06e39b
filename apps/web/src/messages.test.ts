import { ERROR_CATALOGUE } from '@hdt/vocabulary';
import { ApiError } from './api';
import { setLang } from './i18n';
import { ERROR_LABELS } from './labels';
import { act, InputError, messageOf, shownMessage } from './messages';

describe('messages', () => {
  afterEach(() => setLang('zh'));

  test('every error code of the vocabulary has a label in both languages', () => {
    for (const code of Object.keys(ERROR_CATALOGUE)) {
      const label = (ERROR_LABELS as Record<string, { zh: string; en: string } | undefined>)[code];
      expect(label?.zh).toBeTruthy();
      expect(label?.en).toBeTruthy();
    }
  });

  test("a refusal is named in the page language, with the API's message as detail", () => {
    const message = messageOf(new ApiError(409, 'LOCK_NOT_ACTIVE', 'claim INS-1 has no active lock'));
    expect(message).toMatchObject({ kind: 'error', code: 'LOCK_NOT_ACTIVE', detail: 'claim INS-1 has no active lock' });
    expect(message.text()).toContain('不能重复报销');
    setLang('en');
    expect(message.text()).toContain('cannot be paid again');
  });

  test('an unknown code is shown with its own message; other failures as unexpected', () => {
    expect(messageOf(new ApiError(418, 'TEAPOT', 'short and stout')).text()).toBe('short and stout');
    expect(messageOf(new Error('boom'))).toMatchObject({ kind: 'error', detail: 'boom' });
    expect(messageOf(new InputError(() => 'typed wrong')).text()).toBe('typed wrong');
  });

  test('an action shows its failure and never rejects', async () => {
    await act(async () => {
      throw new ApiError(403, 'FORBIDDEN', 'no');
    });
    expect(shownMessage.value?.code).toBe('FORBIDDEN');
    await act(async () => undefined);
    expect(shownMessage.value).toBeUndefined();
  });
});
