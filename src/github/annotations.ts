import type { AnnotationProperties } from "@actions/core";

/** GitHub keeps at most this many annotations of each kind per step and drops the rest silently. */
export const ANNOTATIONS_PER_KIND = 10;

/** A finding to annotate: validate's `Diagnostic`, or any step's error or warning with a place in a file. */
export interface AnnotatedDiagnostic {
  severity: "error" | "warning" | "note" | (string & {});
  message: string;
  /** Which check found it; the annotation's title when `title` is not given. */
  check?: string;
  title?: string;
  /** Relative to the repository root, as the runner expects. */
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
}

/** `core.error` / `core.warning` / `core.notice`: tests pass their own. */
export interface AnnotationSink {
  error(message: string, properties?: AnnotationProperties): void;
  warning(message: string, properties?: AnnotationProperties): void;
  notice?(message: string, properties?: AnnotationProperties): void;
}

export interface AnnotateResult<D> {
  annotated: D[];
  /** Diagnostics past the limit, for the summary (`addUnannotatedToSummary`). */
  rest: D[];
}

function properties(diagnostic: AnnotatedDiagnostic): AnnotationProperties {
  const props: AnnotationProperties = {};
  const title = diagnostic.title ?? diagnostic.check;
  if (title) props.title = title;
  if (diagnostic.file) {
    props.file = diagnostic.file;
    if (diagnostic.line !== undefined) {
      props.startLine = diagnostic.line;
      props.endLine = diagnostic.endLine ?? diagnostic.line;
      if (diagnostic.column !== undefined) props.startColumn = diagnostic.column;
    }
  }
  return props;
}

function kindOf(severity: string): "error" | "warning" | "notice" {
  return severity === "error" ? "error" : severity === "warning" ? "warning" : "notice";
}

/**
 * Emits at most 10 error, 10 warning and 10 notice annotations; findings with a file and line go first, since
 * those are the ones shown on the pull request's diff. Notices need a sink with `notice`; without one, notes are
 * returned with the rest. Everything not annotated is returned for the summary.
 */
export function annotate<D extends AnnotatedDiagnostic>(
  diagnostics: readonly D[],
  sink: AnnotationSink,
  limit = ANNOTATIONS_PER_KIND,
): AnnotateResult<D> {
  const located = (d: D) => (d.file ? (d.line !== undefined ? 0 : 1) : 2);
  const ordered = [...diagnostics].sort((a, b) => located(a) - located(b));
  const used = { error: 0, warning: 0, notice: 0 };
  const annotated = new Set<D>();
  for (const diagnostic of ordered) {
    const kind = kindOf(diagnostic.severity);
    const emit = sink[kind]?.bind(sink);
    if (!emit || used[kind] >= limit) continue;
    used[kind] += 1;
    emit(diagnostic.message, properties(diagnostic));
    annotated.add(diagnostic);
  }
  return {
    annotated: ordered.filter((d) => annotated.has(d)),
    rest: diagnostics.filter((d) => !annotated.has(d)),
  };
}
