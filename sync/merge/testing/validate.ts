/** Test support: the real validate_doc_update from couch-config/design/validate.js, run in-process. */
import { functionSource } from '../../../couch-config/design-docs';

export interface UserCtx {
  readonly name: string;
  readonly roles: readonly string[];
}

export type Validate = (newDoc: unknown, oldDoc: unknown, userCtx: UserCtx) => void;

/** Loads validate.js the way couch-config/design-docs.ts builds the design doc, for one team (or the hub: null). */
export function loadValidate(team: string | null): Validate {
  const source = functionSource('design/validate.js').replace('__OUTPOST_TEAM__', JSON.stringify(team));
  const fn: unknown = new Function(`return ${source}`)();
  if (typeof fn !== 'function') throw new Error('validate.js did not evaluate to a function');
  // The server sees JSON: undefined-valued keys are gone, and a new document's oldDoc is null.
  const json = (doc: unknown): unknown => (doc === undefined || doc === null ? null : JSON.parse(JSON.stringify(doc)));
  return (newDoc, oldDoc, userCtx) => void Reflect.apply(fn, undefined, [json(newDoc), json(oldDoc), userCtx]);
}

/** The `forbidden` reason validate gives for a write, or undefined when it passes. */
export function rejection(validate: Validate, newDoc: unknown, oldDoc: unknown, userCtx: UserCtx): string | undefined {
  try {
    validate(newDoc, oldDoc, userCtx);
    return undefined;
  } catch (error: unknown) {
    if (typeof error === 'object' && error !== null && 'forbidden' in error) return String(error.forbidden);
    throw error;
  }
}

export const USERS = {
  field: { name: 'fiona', roles: ['team:north'] },
  lead: { name: 'liam', roles: ['lead:north'] },
  hq: { name: 'hana', roles: ['hq'] },
  replicator: { name: 'replicator', roles: ['outpost-replicator'] },
} as const satisfies Record<string, UserCtx>;

/** Freezes a value and everything in it, so a test fails if code under test mutates it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
