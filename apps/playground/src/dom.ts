/** A few lines instead of a UI framework: build elements with attributes, handlers and children. */

export type Child = Node | string | number | null | undefined | false;
type Handler = (event: any) => void;
export type Props = Record<string, string | number | boolean | Handler | null | undefined>;

/**
 * `h('button', { class: 'primary', onclick: run }, 'Run')`. Keys starting with `on` take a
 * handler; `class` sets className; `true` sets an empty attribute; false/null/undefined skip.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        element.addEventListener(key.slice(2), value);
      } else if (key === 'class') {
        element.className = String(value);
      } else {
        element.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  append(element, children);
  return element;
}

/** A labelled range input that shows its value; `format` renders the number. */
export function slider(options: {
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  format?: (value: number) => string;
  onInput: (value: number) => void;
  name?: string;
}): { element: HTMLElement; input: HTMLInputElement; set(value: number): void } {
  const format = options.format ?? ((value: number) => String(value));
  const output = h('output', null, format(options.value));
  const input = h('input', {
    type: 'range',
    min: options.min,
    max: options.max,
    step: options.step,
    value: options.value,
    name: options.name,
    oninput: () => {
      output.textContent = format(input.valueAsNumber);
      options.onInput(input.valueAsNumber);
    },
  });
  const element = h('label', { class: 'slider' }, h('span', null, options.label), input, output);
  return {
    element,
    input,
    set(value: number) {
      input.value = String(value);
      output.textContent = format(value);
    },
  };
}

/**
 * Selects `value` in `input`; a value the menu does not list (a hand-edited link) gets its
 * own option, marked as coming from the link, so the menu always shows what will run.
 */
export function selectValue(input: HTMLSelectElement, value: string): void {
  const listed = Array.from(input.options).some((option) => option.value === value);
  if (!listed) {
    for (const option of Array.from(input.options)) {
      if (option.dataset.fromLink !== undefined) option.remove();
    }
    const option = h('option', { value, 'data-from-link': '' }, `${value} (from the link)`);
    input.append(option);
  }
  input.value = value;
}

/** A labelled <select>. */
export function select<T extends string>(options: {
  label: string;
  value: T;
  choices: readonly (readonly [value: T, text: string])[];
  onChange: (value: T) => void;
  name?: string;
}): { element: HTMLElement; input: HTMLSelectElement } {
  const input = h(
    'select',
    { name: options.name, onchange: () => options.onChange(input.value as T) },
    ...options.choices.map(([value, text]) => h('option', { value }, text)),
  );
  selectValue(input, options.value);
  return { element: h('label', { class: 'field' }, h('span', null, options.label), input), input };
}

/** Formats a number for people: 4 significant digits, no exponent for ordinary sizes. */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) {
    return Number(value.toPrecision(digits)).toString();
  }
  return value.toExponential(digits - 1);
}

/**
 * Enables or disables `control`; when disabling the control that has the focus, the focus
 * moves to the first of `fallbacks` still enabled (a disabled button drops the focus to the
 * page, and a keyboard user loses their place).
 */
export function setDisabled(
  control: HTMLButtonElement | HTMLSelectElement,
  disabled: boolean,
  ...fallbacks: (HTMLButtonElement | HTMLSelectElement)[]
): void {
  const hadFocus = document.activeElement === control;
  control.disabled = disabled;
  if (disabled && hadFocus) fallbacks.find((fallback) => !fallback.disabled)?.focus();
}
