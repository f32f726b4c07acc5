/**
 * The Standard Schema interface (https://standardschema.dev), which zod 4, valibot and arktype implement.
 * Declared here, types only, so that `@fipc/state` needs no runtime dependency on any of them.
 *
 * @example
 * import { z } from 'zod';
 * const schema: StandardSchemaV1<{ percent: number }> = z.object({ percent: z.number() });
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties, under a name that cannot clash with a library's own API. */
  readonly '~standard': {
    /** The version of the Standard Schema specification: 1. */
    readonly version: 1;
    /** The library that made the schema, such as `'zod'`. */
    readonly vendor: string;
    /** Validates `value`: the output value, or the issues that make it invalid. */
    readonly validate: (
      value: unknown,
    ) => StandardSchemaV1.Result<Output> | Promise<StandardSchemaV1.Result<Output>>;
    /** The input and output types, for type inference only (absent at run time). */
    readonly types?:
      | {
          /** What the schema accepts. */
          readonly input: Input;
          /** What validation produces. */
          readonly output: Output;
        }
      | undefined;
  };
}

/** The types that go with {@link StandardSchemaV1}. */
export declare namespace StandardSchemaV1 {
  /** What `validate` returns: the output value, or the issues. */
  type Result<Output> =
    | {
        /** The validated (and possibly transformed) value. */
        readonly value: Output;
        /** Absent on success. */
        readonly issues?: undefined;
      }
    | {
        /** Why the value is invalid. */
        readonly issues: ReadonlyArray<Issue>;
      };
  /** One reason a value is invalid. */
  interface Issue {
    /** For people. */
    readonly message: string;
    /** Where in the value the problem is, from the root. */
    readonly path?:
      | ReadonlyArray<
          | PropertyKey
          | {
              /** One step of the path. */
              readonly key: PropertyKey;
            }
        >
      | undefined;
  }
  /** The input type of a schema. */
  type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];
  /** The output type of a schema. */
  type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
}
