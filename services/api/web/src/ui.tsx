import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { Narrative } from './api.ts';
import type { Route } from './route.ts';

/** What every view receives from the shell. */
export type ViewProps = { route: Route; narratives: Narrative[] | undefined; tz: string };

export function Status({ loading, error }: { loading: boolean; error?: string | undefined }) {
  if (error) {
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  }
  return (
    <p class="status" role="status" aria-live="polite">
      {loading ? 'Loading…' : ''}
    </p>
  );
}

/** The view's heading; it takes the focus when the view opens, so a screen reader announces it. */
export function ViewTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function TextField(props: {
  name: string;
  label: string;
  value?: string | undefined;
  type?: 'text' | 'date';
  placeholder?: string;
}) {
  // Uncontrolled (defaultValue): a re-render while the analyst types must not reset the field.
  const id = useId();
  const common = {
    id,
    name: props.name,
    defaultValue: props.value ?? '',
    ...(props.placeholder ? { placeholder: props.placeholder } : {}),
  };
  return (
    <label class="field" for={id}>
      <span>{props.label}</span>
      {props.type === 'date' ? <input type="date" {...common} /> : <input type="text" {...common} />}
    </label>
  );
}

export function SelectField(props: {
  name: string;
  label: string;
  value?: string | undefined;
  options: { value: string; label: string }[];
}) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <select name={props.name}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === (props.value ?? '')}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export const narrativeOptions = (narratives: Narrative[] | undefined, any = 'any narrative') => [
  { value: '', label: any },
  ...(narratives ?? []).map((n) => ({ value: n.id, label: n.title })),
];

export const LANGS = [
  { value: '', label: 'any language' },
  ...['ru', 'kk', 'uk', 'en', 'ky', 'uz', 'tg', 'und'].map((l) => ({ value: l, label: l })),
];

export const FORWARD = [
  { value: '', label: 'posts and forwards' },
  { value: 'false', label: 'own posts only' },
  { value: 'true', label: 'forwards only' },
];

/** A filter form whose submit puts its non-empty fields into the address. */
/** A filter form whose submit puts its non-empty fields into the address. On a phone it starts
 * folded (the results matter more than nine fields), saying which filters are set. */
export function FilterForm(props: {
  label: string;
  onSubmit: (values: Record<string, string>) => void;
  children: ComponentChildren;
  /** How many filters are set, for the folded summary. */
  active?: number;
}) {
  const wide = typeof matchMedia === 'function' && matchMedia('(min-width: 600px)').matches;
  return (
    <details class="filter-box" open={wide}>
      <summary>
        {props.label}
        {props.active ? ` (${props.active} set)` : ''}
      </summary>
      <form
        class="filters"
        aria-label={props.label}
        onSubmit={(e) => {
          e.preventDefault();
          const values: Record<string, string> = {};
          for (const [k, v] of new FormData(e.currentTarget).entries()) {
            if (typeof v === 'string' && v.trim()) values[k] = v.trim();
          }
          props.onSubmit(values);
        }}
      >
        {props.children}
        <button type="submit">Apply</button>
      </form>
    </details>
  );
}

export function narrativeTitle(narratives: Narrative[] | undefined, id: string): string {
  return narratives?.find((n) => n.id === id)?.title ?? id;
}
