/**
 * What every page shares: the language toggle, the message line (success, refusal, failure;
 * shown again in the other language when the language changes) and running an action with its
 * button disabled until the answer arrives.
 */
import { ApiError } from './api.js';
import { byId, h, replaceChildren } from './dom.js';
import { lang, onLangChange, pick, setLang, t, translateStatic } from './i18n.js';
import { ERROR_LABELS, isKeyOf } from './labels.js';

export interface Message {
  readonly kind: 'ok' | 'error' | 'info';
  readonly text: () => string;
  /** The API's error code, shown beside the text and kept in `data-code`. */
  readonly code?: string;
  /** The API's own message: which field, which amount. */
  readonly detail?: string;
}

/** Input the page refuses before calling the API. */
export class InputError extends Error {
  constructor(readonly text: () => string) {
    super('invalid input');
  }
}

let shown: Message | undefined;

function renderMessage(): void {
  const box = byId('message', HTMLElement);
  if (shown === undefined) {
    box.hidden = true;
    replaceChildren(box);
    return;
  }
  box.hidden = false;
  box.className = `message ${shown.kind}`;
  box.setAttribute('role', shown.kind === 'error' ? 'alert' : 'status');
  box.dataset['code'] = shown.code ?? '';
  replaceChildren(
    box,
    h('span', { class: 'message-text', text: shown.text() }),
    shown.code !== undefined && h('code', { class: 'message-code', text: shown.code }),
    shown.detail !== undefined &&
      shown.detail !== '' &&
      h('div', { class: 'message-detail', text: t('common.detail') + shown.detail }),
  );
}

export function show(message: Message | undefined): void {
  shown = message;
  renderMessage();
}

export function ok(text: () => string): void {
  show({ kind: 'ok', text });
}

/** A refusal or failure, in words: the API's code named in both languages, its message as detail. */
export function messageOf(err: unknown): Message {
  if (err instanceof InputError) return { kind: 'error', text: err.text };
  if (err instanceof ApiError) {
    const code = err.code;
    if (!isKeyOf(ERROR_LABELS, code)) return { kind: 'error', text: () => err.message, code };
    return { kind: 'error', text: () => pick(ERROR_LABELS[code]), code, detail: err.message };
  }
  const detail = err instanceof Error ? err.message : String(err);
  return { kind: 'error', text: () => pick(ERROR_LABELS.UNEXPECTED_RESPONSE), detail };
}

export function showError(err: unknown): void {
  show(messageOf(err));
}

/** Runs `work` with `button` disabled; a failure is shown on the message line. */
export async function act(button: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
  button.disabled = true;
  document.body.setAttribute('aria-busy', 'true');
  try {
    await work();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    document.body.removeAttribute('aria-busy');
  }
}

/** Calls `work` on the form's submit, with its submit button disabled while it runs. */
export function onSubmit(formId: string, work: () => Promise<void>): void {
  const form = byId(formId, HTMLFormElement);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (button instanceof HTMLButtonElement) void act(button, work);
  });
}

/** Language toggle and static labels; call once when the page loads. */
export function initPage(): void {
  translateStatic();
  byId('lang-toggle', HTMLButtonElement).addEventListener('click', () => setLang(lang() === 'zh' ? 'en' : 'zh'));
  onLangChange(renderMessage);
}
