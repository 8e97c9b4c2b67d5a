/** A tiny element builder: children are nodes or text (never parsed as HTML, so API data is inert). */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
  return el;
}

/** Replaces an element's content, skipping the nulls of optional parts. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(
    ...children.flatMap((c) =>
      c === null || c === undefined || c === false ? [] : [typeof c === 'object' ? c : String(c)],
    ),
  );
}

/** A labelled form control: the label's `for` names the control, so screen readers and tests find it by label. */
let nextId = 0;
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  control.id ||= `f${++nextId}`;
  return h('div', {}, h('label', { for: control.id }, label), control);
}

export function select(name: string, options: [string, string][], value = ''): HTMLSelectElement {
  const el = h('select', { name }, ...options.map(([v, text]) => h('option', { value: v }, text)));
  if (options.some(([v]) => v === value)) el.value = value;
  return el;
}

/** Says something in the page's live region (an error keeps the API's own words). */
export function flash(message: string, kind: 'error' | 'success' | 'notice' = 'success'): void {
  const box = document.getElementById('flash');
  if (!box) return;
  box.replaceChildren(h('div', { class: kind, role: kind === 'error' ? 'alert' : 'status' }, message));
}

let carried: [string, 'error' | 'success' | 'notice'] | null = null;

/** Navigates to another screen and says something there (a plain flash would be cleared by the move). */
export function go(hash: string, message: string, kind: 'error' | 'success' | 'notice' = 'success'): void {
  carried = [message, kind];
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** On each navigation: forget the last screen's message, keep one carried by `go`. */
export function clearFlash(): void {
  document.getElementById('flash')?.replaceChildren();
  if (carried) flash(...carried);
  carried = null;
}

/**
 * A modal dialog with the given content and buttons; resolves to the clicked button's value, or
 * null when dismissed (Escape). The native <dialog> traps focus and handles Escape.
 */
export function ask(title: string, body: Child[], buttons: [string, string, string?][]): Promise<string | null> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-label': title });
    const done = (value: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.append(
      h('h2', {}, title),
      ...body.filter((c): c is Node | string => c !== null && c !== undefined && c !== false).map(String2Node),
      h(
        'div',
        { class: 'actions' },
        ...buttons.map(([value, text, cls]) =>
          h('button', { type: 'button', class: cls ?? '', onclick: () => done(value) }, text),
        ),
        h('button', { type: 'button', class: 'secondary', onclick: () => done(null) }, 'Cancel'),
      ),
    );
    dialog.addEventListener('cancel', () => done(null));
    document.body.append(dialog);
    dialog.showModal();
  });
}

function String2Node(child: Node | string | number): Node {
  return typeof child === 'object' ? child : h('p', {}, String(child));
}

/** A table with column headings; `body` is a tbody the caller refills later, or the rows. */
export function table(headings: string[], body: HTMLTableSectionElement | Node[]): HTMLTableElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headings.map((t) => h('th', { scope: 'col' }, t)))),
    Array.isArray(body) ? h('tbody', {}, ...body) : body,
  );
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status status-${status}` }, status);
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}
