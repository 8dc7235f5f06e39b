/** The page language (Chinese by default, English on request), kept across pages in localStorage. */
import type { Label } from './labels.js';
import { TEXTS, type TextKey } from './texts.js';

export type Lang = 'zh' | 'en';
export type Params = Readonly<Record<string, string | number>>;

const STORAGE_KEY = 'hdt.lang';
const listeners: Array<() => void> = [];

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: the choice lasts for this page only
  }
}

function initialLang(): Lang {
  const requested = new URLSearchParams(window.location.search).get('lang');
  if (requested === 'zh' || requested === 'en') return requested;
  const stored = storage()?.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh';
}

/** Decided on first use (not at load), so that modules using it also load outside a browser. */
let chosen: Lang | undefined;

export function lang(): Lang {
  chosen ??= initialLang();
  return chosen;
}

function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The text of `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: TextKey, params: Params = {}): string {
  return fill(TEXTS[key][lang()], params);
}

/** A vocabulary label in the current language. */
export function pick(label: Label): string {
  return label[lang()];
}

export function isTextKey(value: string): value is TextKey {
  return Object.prototype.hasOwnProperty.call(TEXTS, value);
}

/** Fills `data-i18n` (text) and `data-i18n-placeholder` elements under `root`. */
export function translateStatic(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset['i18n'] ?? '';
    if (isTextKey(key)) el.textContent = t(key);
  }
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    const key = el.dataset['i18nPlaceholder'] ?? '';
    if (isTextKey(key)) el.placeholder = t(key);
  }
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
}

/** Runs `listener` after every change of language. */
export function onLangChange(listener: () => void): void {
  listeners.push(listener);
}

export function setLang(next: Lang): void {
  chosen = next;
  storage()?.setItem(STORAGE_KEY, next);
  translateStatic();
  for (const listener of listeners) listener();
}
