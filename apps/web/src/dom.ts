/** A few DOM helpers: elements are built with textContent only, never from HTML strings. */

export type Child = Node | string | null | undefined | false;

export interface Props {
  readonly id?: string;
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly onClick?: (event: Event) => void;
}

function applyProps(el: HTMLElement, props: Props): void {
  if (props.id !== undefined) el.id = props.id;
  if (props.class !== undefined) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  if (props.onClick !== undefined) el.addEventListener('click', props.onClick);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyProps(el, props);
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** The element with this id, which must exist and be of this type. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`page element #${id} is missing or not a ${type.name}`);
  return el;
}

/** The trimmed value of an input, select or text area. */
export function valueOf(id: string): string {
  const el = document.getElementById(id);
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
    return el.value.trim();
  }
  throw new Error(`page element #${id} is not a form field`);
}

export function setValue(id: string, value: string): void {
  byId(id, HTMLInputElement).value = value;
}

/** The first file chosen in a file input, if any. */
export function fileOf(id: string): File | undefined {
  return byId(id, HTMLInputElement).files?.[0];
}

export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A table with a header row and body rows; `empty` is shown when there are no rows. */
export function table(headers: readonly string[], rows: readonly Child[][], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty', text: empty });
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { text })))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}
