// @ts-check
// A typedoc plugin: warns about every exported function, class, interface, type alias or variable whose doc
// comment has no `@example`, since each public export is meant to show its use (see HELPERS.md).
import { Converter, ReflectionKind } from 'typedoc';

const kinds =
  ReflectionKind.Function |
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Variable;

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const exempt = new Set(app.options.getValue('intentionallyNotDocumented'));
    for (const reflection of context.project.getReflectionsByKind(kinds)) {
      if (exempt.has(reflection.getFriendlyFullName())) continue;
      // Only a module's own exports; namespace members and nested declarations are documented by their parent.
      if (!reflection.parent?.kindOf(ReflectionKind.Project | ReflectionKind.Module)) continue;
      const comments = [
        reflection.comment,
        ...('signatures' in reflection ? (reflection.signatures ?? []) : []).map((s) => s.comment),
      ];
      if (comments.some((comment) => comment?.getTag('@example'))) continue;
      const source = reflection.sources?.[0]?.fileName ?? 'unknown file';
      // A type re-exported from a dependency (StandardSchemaV1 from @standard-schema/spec) is documented there.
      if (source.includes('node_modules/')) continue;
      app.logger.warn(
        `${reflection.getFriendlyFullName()} (${ReflectionKind.singularString(reflection.kind)}), defined in ${source}, has no @example`,
      );
    }
  });
}
