import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACTION_IO,
  ACTIONS,
  AMPLITUDE_SECRETS,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
} from "../src/actions/io.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface ActionYml {
  name?: unknown;
  description?: unknown;
  inputs?: Record<string, { description?: unknown; required?: unknown; default?: unknown }>;
  outputs?: Record<string, { description?: unknown }>;
  runs?: { using?: unknown; main?: unknown };
}

function readAction(file: string): ActionYml {
  return parse(readFileSync(join(ROOT, file), "utf8")) as ActionYml;
}

const inputNames = new Set<string>(Object.values(INPUTS));
const outputNames = new Set<string>(Object.values(OUTPUTS));
const GROUPS: Record<string, readonly string[]> = { AMPLITUDE_SECRETS, AWS_SECRETS, SNOWFLAKE_SECRETS };

/** The io.ts constants an entry refers to: `INPUTS.lake`, `OUTPUTS.files`, and groups such as `AWS_SECRETS`. */
function namesUsedBy(source: string): { inputs: string[]; outputs: string[] } {
  const inputs = [...source.matchAll(/\bINPUTS\.(\w+)/g)].map(([, key]) => {
    const name = (INPUTS as Record<string, string>)[key!];
    if (!name) throw new Error(`INPUTS.${key} is not in io.ts`);
    return name;
  });
  for (const [group, names] of Object.entries(GROUPS)) {
    if (new RegExp(`\\b${group}\\b`).test(source)) inputs.push(...names);
  }
  const outputs = [...source.matchAll(/\bOUTPUTS\.(\w+)/g)].map(([, key]) => {
    const name = (OUTPUTS as Record<string, string>)[key!];
    if (!name) throw new Error(`OUTPUTS.${key} is not in io.ts`);
    return name;
  });
  return { inputs: [...new Set(inputs)], outputs: [...new Set(outputs)] };
}

function checkDocumented(action: ActionYml) {
  expect(action.name).toEqual(expect.any(String));
  expect(action.description).toEqual(expect.any(String));
  for (const [name, input] of Object.entries(action.inputs ?? {})) {
    expect(input.description, `input ${name} has a description`).toEqual(expect.stringMatching(/\S/));
    expect(typeof input.required, `input ${name} says whether it is required`).toBe("boolean");
    if (input.required) expect(input.default, `required input ${name} has no default`).toBeUndefined();
    if (input.default !== undefined)
      expect(typeof input.default, `input ${name}'s default is text`).toBe("string");
  }
  for (const [name, output] of Object.entries(action.outputs ?? {})) {
    expect(output.description, `output ${name} has a description`).toEqual(expect.stringMatching(/\S/));
  }
}

describe.each(ACTIONS)("actions/%s/action.yml", (name) => {
  const file = `actions/${name}/action.yml`;
  const action = readAction(file);
  const entry = join(ROOT, "src", "actions", `${name}.ts`);

  it("runs on node24 from its bundle in dist/", () => {
    expect(action.runs?.using).toBe("node24");
    expect(action.runs?.main).toBe(`../../dist/${name}/index.js`);
  });

  it("declares the inputs and outputs io.ts gives it, no more, no fewer, each documented", () => {
    const inputs = Object.keys(action.inputs ?? {});
    const outputs = Object.keys(action.outputs ?? {});
    expect(
      inputs.filter((input) => !inputNames.has(input)),
      "inputs not in io.ts INPUTS",
    ).toEqual([]);
    expect(
      outputs.filter((output) => !outputNames.has(output)),
      "outputs not in io.ts OUTPUTS",
    ).toEqual([]);
    expect([...inputs].sort()).toEqual([...ACTION_IO[name].inputs].sort());
    expect([...outputs].sort()).toEqual([...ACTION_IO[name].outputs].sort());
    checkDocumented(action);
  });

  it("has a README with every input and output and an example step", () => {
    const readme = readFileSync(join(ROOT, "actions", name, "README.md"), "utf8");
    expect(readme).toContain(`uses: <owner>/amplitude-pipeline/actions/${name}@v0`);
    for (const input of ACTION_IO[name].inputs) expect(readme).toContain(`| \`${input}\` |`);
    for (const output of ACTION_IO[name].outputs) expect(readme).toContain(`| \`${output}\` |`);
  });

  if (existsSync(entry)) {
    it("its entry reads only inputs, and sets only outputs, that its action.yml declares", () => {
      // An entry may keep its main in <name>-main.ts, to be tested from source.
      const split = join(ROOT, "src", "actions", `${name}-main.ts`);
      const used = namesUsedBy(
        readFileSync(entry, "utf8") + (existsSync(split) ? readFileSync(split, "utf8") : ""),
      );
      expect(used.inputs.filter((input) => !(input in (action.inputs ?? {})))).toEqual([]);
      expect(used.outputs.filter((output) => !(output in (action.outputs ?? {})))).toEqual([]);
      expect(used.outputs.length).toBeGreaterThan(0);
    });

    it("its bundle is committed", () => {
      expect(existsSync(resolve(dirname(join(ROOT, file)), String(action.runs?.main)))).toBe(true);
    });
  } else {
    it(`has its entry src/actions/${name}.ts`, () => expect(existsSync(entry)).toBe(true));
  }
});

describe("action.yml (the root action)", () => {
  const action = readAction("action.yml");

  it("runs dist/main/index.js on node24, and the bundle is committed", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/main/index.js" });
    expect(existsSync(join(ROOT, "dist", "main", "index.js"))).toBe(true);
  });

  it("takes command and every action's inputs, and sets every action's outputs, each documented", () => {
    expect(action.inputs?.command?.required).toBe(true);
    expect(String(action.inputs?.command?.description)).toContain(ACTIONS.join(", "));
    const inputs = new Set([INPUTS.command, ...ACTIONS.flatMap((name) => ACTION_IO[name].inputs)]);
    const outputs = new Set(ACTIONS.flatMap((name) => ACTION_IO[name].outputs));
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual([...inputs].sort());
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual([...outputs].sort());
    checkDocumented(action);
  });

  it("gives no input a default that is right for one command and wrong for another", () => {
    // The runner passes a default as if it were given: `from: data/exports` would reach every command.
    const withDefaults = Object.entries(action.inputs ?? {}).filter(
      ([, input]) => input.default !== undefined,
    );
    expect(withDefaults.map(([name]) => name)).toEqual([INPUTS.githubToken]);
  });

  it("the dispatcher knows every command an entry exists for", () => {
    const main = readFileSync(join(ROOT, "src", "actions", "main.ts"), "utf8");
    for (const name of ACTIONS) {
      const written = existsSync(join(ROOT, "src", "actions", `${name}.ts`));
      expect(main.includes(`import("./${name}.ts")`), `${name} in main.ts`).toBe(written);
    }
  });
});

describe("io.ts", () => {
  it("has no two constants with one name, and kebab-case names only", () => {
    for (const names of [Object.values(INPUTS), Object.values(OUTPUTS)]) {
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it("every constant is used by some action", () => {
    const used = new Set<string>([INPUTS.command, ...ACTIONS.flatMap((name) => ACTION_IO[name].inputs)]);
    expect(Object.values(INPUTS).filter((name) => !used.has(name))).toEqual([]);
    const outputs = new Set<string>(ACTIONS.flatMap((name) => ACTION_IO[name].outputs));
    expect(Object.values(OUTPUTS).filter((name) => !outputs.has(name))).toEqual([]);
  });
});
