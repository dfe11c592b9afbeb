import * as core from "@actions/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { annotate, type AnnotatedDiagnostic, type AnnotationSink } from "../src/github/annotations.ts";
import { addUnannotatedToSummary } from "../src/github/summary.ts";

beforeEach(() => {
  core.summary.emptyBuffer();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The workflow commands core writes to stdout, parsed back: `::error file=…,line=…::message`. */
function captureCommands() {
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(...String(chunk).split(/\r?\n/).filter(Boolean));
    return true;
  });
  return () =>
    lines
      .filter((line) => line.startsWith("::"))
      .map((line) => {
        const match = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line)!;
        const props = Object.fromEntries(
          (match[2] ?? "")
            .split(",")
            .filter(Boolean)
            .map((pair) => pair.split("=") as [string, string]),
        );
        return { command: match[1]!, props, message: match[3]! };
      });
}

function errors(n: number): AnnotatedDiagnostic[] {
  return Array.from({ length: n }, (_, i) => ({
    severity: "error",
    check: "polyglot",
    file: `sql/models/core/m${i}.sql`,
    line: i + 1,
    message: `unknown column c${i}`,
  }));
}

describe("annotate", () => {
  it("25 errors: 10 annotations with file and lines, the 15 others in the summary", () => {
    const commands = captureCommands();
    const { annotated, rest } = annotate(errors(25), core);
    const emitted = commands();
    expect(emitted).toHaveLength(10);
    expect(emitted[0]).toEqual({
      command: "error",
      props: { title: "polyglot", file: "sql/models/core/m0.sql", line: "1", endLine: "1" },
      message: "unknown column c0",
    });
    expect(emitted.every((c) => c.command === "error")).toBe(true);
    expect(emitted.map((c) => c.props.file)).toEqual(annotated.map((d) => d.file));
    expect(rest).toHaveLength(15);
    expect(rest[0]!.message).toBe("unknown column c10");

    addUnannotatedToSummary(core.summary, rest, { writtenBytes: 0 });
    const text = core.summary.stringify();
    expect(text).toContain("<h4>15 more errors (past the 10 annotations per kind");
    expect(text.match(/<tr><td><strong>error<\/strong><\/td>/g)).toHaveLength(15);
    expect(text).toContain("<code>sql/models/core/m24.sql:25</code>");
    expect(text).not.toContain("m9.sql");
  });

  it("keeps 10 of each kind: errors and warnings counted apart, notices when the sink has them", () => {
    const diagnostics: AnnotatedDiagnostic[] = [
      ...errors(12),
      ...Array.from({ length: 12 }, (_, i) => ({ severity: "warning", message: `w${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ severity: "note", message: `n${i}` })),
    ];
    const commands = captureCommands();
    const { rest } = annotate(diagnostics, core);
    const emitted = commands();
    const kinds = (command: string) => emitted.filter((c) => c.command === command).length;
    expect([kinds("error"), kinds("warning"), kinds("notice")]).toEqual([10, 10, 3]);
    expect(rest.map((d) => d.message)).toEqual(["unknown column c10", "unknown column c11", "w10", "w11"]);
  });

  it("a sink without notice returns the notes with the rest", () => {
    const sink: AnnotationSink = { error: vi.fn(), warning: vi.fn() };
    const { rest } = annotate([{ severity: "note", message: "n" }], sink);
    expect(rest).toEqual([{ severity: "note", message: "n" }]);
    expect(sink.error).not.toHaveBeenCalled();
  });

  it("puts findings with a file and line first, then a file alone, then none", () => {
    const calls: Array<[string, core.AnnotationProperties | undefined]> = [];
    const sink: AnnotationSink = {
      error: (message, props) => calls.push([message, props]),
      warning: () => {},
    };
    const unplaced = Array.from({ length: 9 }, (_, i) => ({ severity: "error", message: `nowhere ${i}` }));
    const { rest } = annotate(
      [
        ...unplaced,
        { severity: "error", message: "in a file", file: "sql/a.sql", title: "compile" },
        { severity: "error", message: "on a line", file: "sql/b.sql", line: 7, endLine: 9, check: "tests" },
      ],
      sink,
    );
    expect(calls[0]).toEqual(["on a line", { title: "tests", file: "sql/b.sql", startLine: 7, endLine: 9 }]);
    expect(calls[1]).toEqual(["in a file", { title: "compile", file: "sql/a.sql" }]);
    expect(calls[2]).toEqual(["nowhere 0", {}]);
    expect(calls).toHaveLength(10);
    expect(rest).toEqual([{ severity: "error", message: "nowhere 8" }]);
  });

  it("messages and properties with newlines, colons and commas reach the runner escaped", () => {
    const commands = captureCommands();
    annotate(
      [
        {
          severity: "error",
          message: "line one\nline two: 100%",
          file: "sql/a,b:c.sql",
          line: 2,
          check: "x",
        },
      ],
      core,
    );
    const [emitted] = commands();
    expect(emitted!.message).toBe("line one%0Aline two: 100%25");
    expect(emitted!.props.file).toBe("sql/a%2Cb%3Ac.sql");
  });

  it("a smaller limit is honoured, and nothing is emitted for no diagnostics", () => {
    const sink: AnnotationSink = { error: vi.fn(), warning: vi.fn() };
    expect(annotate(errors(5), sink, 2).rest).toHaveLength(3);
    expect(sink.error).toHaveBeenCalledTimes(2);
    expect(annotate([], sink)).toEqual({ annotated: [], rest: [] });
  });
});
