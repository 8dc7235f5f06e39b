/**
 * The message line every page shares (success, refusal, failure; shown again in the other
 * language when the language changes) and running an action while the page says it is busy.
 */
import { type Ref, ref, shallowRef } from 'vue';
import { ApiError } from './api.js';
import { pick } from './i18n.js';
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

export const shownMessage = shallowRef<Message | undefined>(undefined);

export function show(message: Message | undefined): void {
  shownMessage.value = message;
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

let running = 0;

function markBusy(delta: number): void {
  running += delta;
  if (typeof document === 'undefined') return;
  if (running > 0) document.body.setAttribute('aria-busy', 'true');
  else document.body.removeAttribute('aria-busy');
}

/**
 * Runs `work` with the page marked busy (`aria-busy` on the body); the message line is cleared
 * first and shows a failure. Resolves once the answer is shown, never rejects.
 */
export async function act(work: () => Promise<void>): Promise<void> {
  markBusy(1);
  show(undefined);
  try {
    await work();
  } catch (err) {
    showError(err);
  } finally {
    markBusy(-1);
  }
}

export interface Action {
  /** True while the action runs: its button shows it and takes no second press. */
  readonly running: Readonly<Ref<boolean>>;
  readonly run: () => Promise<void>;
}

export function useAction(work: () => Promise<void>): Action {
  const running = ref(false);
  const run = async (): Promise<void> => {
    if (running.value) return;
    running.value = true;
    try {
      await act(work);
    } finally {
      running.value = false;
    }
  };
  return { running, run };
}
