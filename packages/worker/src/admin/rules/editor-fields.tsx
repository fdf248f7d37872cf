import type { Child } from 'hono/jsx'
import type { FieldErrors, RuleForm } from './rule-form'

// The rule editor's form controls: each field's input and its validation messages.

/**
 * The id of a field's input, from its name: `when.segments` → `f-when-segments`.
 * @example <label for={idOf('content.value')}>
 */
export const idOf = (name: string) => `f-${name.replace(/\./g, '-')}`

type FieldProps = {
  name: string
  label: string
  errors: FieldErrors
  hint?: string
  children: Child
}

/** A labelled input with its validation messages right under it. */
export function Field(props: FieldProps) {
  const messages = props.errors[props.name] ?? []
  const id = idOf(props.name)
  return (
    <div class={messages.length > 0 ? 'field invalid' : 'field'} data-field={props.name}>
      <label for={id}>{props.label}</label>
      {props.children}
      {messages.map((message) => (
        <p class="error" id={`${id}-error`}>
          {message}
        </p>
      ))}
      {props.hint ? <p class="hint">{props.hint}</p> : null}
    </div>
  )
}

/** A text (or `type`) input showing the form's value. */
export function Input(props: {
  form: RuleForm
  name: string
  type?: string
  placeholder?: string
}) {
  return (
    <input
      type={props.type ?? 'text'}
      id={idOf(props.name)}
      name={props.name}
      value={props.form.values[props.name] ?? ''}
      placeholder={props.placeholder}
      step={props.type === 'number' ? 'any' : undefined}
    />
  )
}

/** A select of `[value, label]` options with the form's value selected. */
export function Select(props: { form: RuleForm; name: string; options: [string, string][] }) {
  const current = props.form.values[props.name] ?? ''
  return (
    <select id={idOf(props.name)} name={props.name}>
      {props.options.map(([value, label]) => (
        <option value={value} selected={value === current}>
          {label}
        </option>
      ))}
    </select>
  )
}
