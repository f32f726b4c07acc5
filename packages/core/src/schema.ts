import type { StandardSchemaV1 } from '@standard-schema/spec';
import { FipcError } from './errors.js';

/**
 * The outcome of {@link validate}: the schema's output, or what it rejected.
 *
 * @example
 * const result: Validated<{ percent: number }> = await validate(Progress, value);
 * if (result.issues) console.warn(formatIssues(result.issues));
 */
export type Validated<T> =
  | {
      /** The schema's output. */
      value: T;
      /** Absent when the value was accepted. */
      issues?: undefined;
    }
  | {
      /** Absent when the value was rejected. */
      value?: undefined;
      /** What the schema rejected. */
      issues: readonly StandardSchemaV1.Issue[];
    };

/**
 * Runs any Standard Schema (zod, valibot, arktype, a hand-written one) and returns its output or its issues.
 * Writers write the output and readers return the output (see the Conventions), so a default or a transform
 * applies on both sides.
 *
 * @example
 * const result = await validate(z.object({ percent: z.number() }), { percent: 40 });
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): Promise<Validated<StandardSchemaV1.InferOutput<S>>> {
  return settle(await schema['~standard'].validate(value));
}

/**
 * {@link validate} for places that cannot wait (an exit handler, a synchronous write). A schema that validates
 * asynchronously is refused with `INVALID_OPTIONS`, and its pending promise is observed so it can never become
 * an unhandled rejection.
 *
 * @example
 * const result = validateSync(Progress, { percent: 40 });
 */
export function validateSync<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): Validated<StandardSchemaV1.InferOutput<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new FipcError('INVALID_OPTIONS', 'this call needs a schema that validates synchronously');
  }
  return settle(result);
}

/**
 * One line for people: the first issue with its path, and how many more there are.
 *
 * @example
 * formatIssues([{ message: 'Expected number', path: ['percent'] }]); // 'at percent: Expected number'
 */
export function formatIssues(issues: readonly StandardSchemaV1.Issue[]): string {
  const [first] = issues;
  if (!first) return 'rejected by the schema';
  const path = first.path?.map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${path ? `at ${path}: ` : ''}${first.message}${more}`;
}

/**
 * Whether a value is a Standard Schema (has a `~standard` property with a `validate` function).
 *
 * @example
 * if (!isStandardSchema(options.schema)) throw new TypeError('schema must be a Standard Schema');
 */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { validate?: unknown } } | null | undefined)?.['~standard'];
  return typeof standard?.validate === 'function';
}

function settle<T>(result: StandardSchemaV1.Result<T>): Validated<T> {
  return result.issues ? { issues: result.issues } : { value: result.value };
}
