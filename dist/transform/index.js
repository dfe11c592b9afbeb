import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  load
} from "../chunks/chunk-GVOVS6JP.js";
import {
  lockRun
} from "../chunks/chunk-TWPKZVYG.js";
import {
  checkOrigins,
  lakeOrigin,
  warehouseOrigin
} from "../chunks/chunk-VV5XJCK3.js";
import {
  SNAPSHOT_OBJECTS,
  parseSnapshotManifestKey,
  readLakeSnapshotManifest,
  snapshotFileKey
} from "../chunks/chunk-Z6PYDREM.js";
import {
  openLake
} from "../chunks/chunk-ONIFMAA2.js";
import {
  lakeApps,
  listManifestKeys,
  readLakeManifest
} from "../chunks/chunk-JXLVV3XL.js";
import "../chunks/chunk-SZTBGUUW.js";
import {
  EVENTS_PREFIX,
  MANIFESTS_PREFIX,
  isoFromCompactTime
} from "../chunks/chunk-24GUI5YC.js";
import {
  realSleep
} from "../chunks/chunk-6K2WFAIU.js";
import "../chunks/chunk-DDMIIEV4.js";
import "../chunks/chunk-ZCLQKLML.js";
import "../chunks/chunk-RMPWZSCO.js";
import {
  makeFolder
} from "../chunks/chunk-MWCMZDA4.js";
import {
  waitForRunInFlight
} from "../chunks/chunk-NNGNHO3L.js";
import {
  CAPTURE_PROCEDURE,
  EVENTS_PIPE,
  EVENTS_STREAM,
  FILE_FORMAT,
  FINALIZER_TASK,
  GRAPH_REPORTS,
  MANIFESTS_PIPE,
  MANIFESTS_TABLE,
  MANIFEST_FILE_FORMAT,
  ROOT_TASK,
  SNAPSHOTS_PIPE,
  SNAPSHOTS_TABLE,
  STAGE,
  STREAM_BATCHES,
  TASK_TIMEOUT_MS,
  TEST_RESULTS,
  buildProcedure,
  modelOfTask,
  modelTask,
  upperParts
} from "../chunks/chunk-R2LSW7R3.js";
import {
  DEFAULT_FRESHNESS_WARN_HOURS,
  SEED_SCHEMA,
  planProject,
  planTests,
  readProject,
  require_dist,
  runTest,
  testName,
  testOutcome,
  transform
} from "../chunks/chunk-KVYT4TEJ.js";
import "../chunks/chunk-JC7DLJCH.js";
import {
  DEFAULT_LOAD_TIMEOUT_MINUTES,
  DEFAULT_MEND_AFTER_MINUTES,
  DEFAULT_TRANSFORM_TIMEOUT_MINUTES
} from "../chunks/chunk-UPPOIW6S.js";
import "../chunks/chunk-XV34QLYJ.js";
import {
  DEFAULT_WAREHOUSE,
  openWarehouse,
  parseDuckDbUrl
} from "../chunks/chunk-X6Q3NHRZ.js";
import "../chunks/chunk-OYBGSQDJ.js";
import {
  runAction
} from "../chunks/chunk-WEI66VQV.js";
import {
  ACTION_IO,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  addGraphReportToSummary,
  addTransformToSummary,
  booleanInput,
  inInputTerms,
  info,
  intInput,
  optionalInput,
  secretEnv,
  setOutput,
  summary
} from "../chunks/chunk-2ZKHZUYU.js";
import {
  DEFAULT_PROJECT,
  DEFAULT_TARGET_DIR,
  TEST_PASSES,
  describeTestsScope,
  lastWholePass,
  recordTestPass,
  timestampValue,
  wholePassDue
} from "../chunks/chunk-R47Z7GPO.js";
import {
  sqlString,
  timestampText
} from "../chunks/chunk-DLZUFQUX.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  ExternalServiceError,
  errorMessage
} from "../chunks/chunk-Z6P62WD7.js";
import {
  __toESM
} from "../chunks/chunk-QNAMUATI.js";

// src/docs/build-docs.ts
import { access } from "node:fs/promises";
import { join as join5, resolve as resolve2 } from "node:path";
import { pathToFileURL } from "node:url";

// src/pipeline/locked-warehouse.ts
async function openLockedWarehouse(url, options) {
  const lock = await lockRun({ warehouse: url }, { command: options.command });
  const warehouse = await openWarehouse(url, {
    create: options.create,
    env: options.env,
    warn: options.warn
  }).catch(async (error) => {
    await lock.release();
    throw error;
  });
  return {
    warehouse,
    release: async () => {
      try {
        await warehouse.close();
      } finally {
        await lock.release();
      }
    }
  };
}

// src/docs/doc-blocks.ts
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
var BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
var REFERENCE = /\{\{\s*doc\(\s*(['"])([^'"]*)\1\s*\)\s*\}\}/g;
async function readDocBlocks(root) {
  const blocks = /* @__PURE__ */ new Map();
  const problems = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && e.name.endsWith(".md")).map((e) => join(e.parentPath, e.name)).sort();
  for (const path of files) {
    const file = relative(root, path).split(sep).join("/");
    if (file.split("/").some((part) => part === "node_modules" || part.startsWith("."))) continue;
    const text2 = await readFile(path, "utf8");
    let closed = 0;
    for (const match of text2.matchAll(BLOCK)) {
      closed += 1;
      const name = match[1];
      const earlier = blocks.get(name);
      if (earlier) {
        problems.push(`${file}: a second doc block named ${name} (the first is in ${earlier.file})`);
        continue;
      }
      blocks.set(name, { name, text: match[2].trim(), file });
    }
    const opened = [...text2.matchAll(/\{%-?\s*docs\s/g)].length;
    if (opened > closed) problems.push(`${file}: a {% docs … %} block has no {% enddocs %}`);
  }
  if (problems.length > 0)
    throw new ConfigurationError(`the project's doc blocks have errors:
  ${problems.join("\n  ")}`);
  return blocks;
}
function resolveDocReferences(text2, blocks, where) {
  if (text2 === void 0) return void 0;
  return text2.replace(REFERENCE, (_whole, _quote, name) => {
    const block = blocks.get(name);
    if (!block) {
      const known = [...blocks.keys()].sort();
      throw new ConfigurationError(
        `${where}: doc('${name}') names no doc block: add {% docs ${name} %}…{% enddocs %} to a .md file under the project` + (known.length > 0 ? ` (doc blocks: ${known.join(", ")})` : " (it has none)")
      );
    }
    return block.text;
  });
}

// src/docs/test-results.ts
import { readdir as readdir2, readFile as readFile2 } from "node:fs/promises";
import { join as join2, relative as relative2 } from "node:path";
async function latestRunResults(targetDir, warn) {
  const entries = await readdir2(targetDir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && e.name === "run_results.json").map((e) => join2(e.parentPath, e.name)).sort();
  let latest;
  for (const file of files) {
    const fromHere = relative2(process.cwd(), file);
    const shown = fromHere && !fromHere.startsWith("..") ? fromHere : file;
    let parsed;
    try {
      parsed = JSON.parse(await readFile2(file, "utf8"));
    } catch (error) {
      warn(`${shown} is not JSON (${errorMessage(error)}): its test results are not shown`);
      continue;
    }
    if (!Array.isArray(parsed.tests) || typeof parsed.startedAt !== "string") {
      warn(`${shown} is not the results of a transform (no startedAt and tests): not shown`);
      continue;
    }
    if (latest?.at && latest.at >= parsed.startedAt) continue;
    const tests = /* @__PURE__ */ new Map();
    for (const test of parsed.tests) {
      if (typeof test?.name === "string") tests.set(test.name.toLowerCase(), test);
    }
    latest = {
      tests,
      from: shown,
      at: parsed.startedAt,
      models: Array.isArray(parsed.models) ? parsed.models : void 0
    };
  }
  return latest;
}
async function recordedResults(warehouse, planned) {
  const [schema, name] = TEST_RESULTS.split(".");
  if (!await warehouse.tableExists(schema, name)) return void 0;
  const rows = await warehouse.query(
    `select test_name, failures, failing_rows as sample, error, seconds, recorded_at from ${TEST_RESULTS}
     qualify row_number() over (partition by lower(test_name) order by recorded_at desc) = 1`
  );
  if (rows.length === 0) return void 0;
  const byName = new Map(planned.map((test) => [test.name.toLowerCase(), test]));
  const tests = /* @__PURE__ */ new Map();
  let at2;
  for (const row of rows) {
    const test = byName.get(String(row.test_name).toLowerCase());
    if (!test) continue;
    const seconds = Number(row.seconds ?? 0);
    const error = row.error === null || row.error === void 0 ? "" : String(row.error);
    tests.set(
      test.name.toLowerCase(),
      error !== "" ? testOutcome(test, { error, seconds }) : testOutcome(test, { failures: Number(row.failures ?? 0), sample: sampleRows(row.sample), seconds })
    );
    const recorded = row.recorded_at instanceof Date ? row.recorded_at.toISOString() : void 0;
    if (recorded && (!at2 || recorded > at2)) at2 = recorded;
  }
  return { tests, from: TEST_RESULTS, at: at2 };
}
function sampleRows(sample) {
  let value = sample;
  if (typeof sample === "string") {
    try {
      value = JSON.parse(sample);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  return value.filter(
    (row) => typeof row === "object" && row !== null && !Array.isArray(row)
  ).map((row) => Object.fromEntries(Object.entries(row).map(([key, v]) => [key.toLowerCase(), v])));
}

// src/docs/yml-details.ts
var import_yaml = __toESM(require_dist(), 1);
import { readdir as readdir3, readFile as readFile3 } from "node:fs/promises";
import { join as join3 } from "node:path";
function asList(value) {
  return Array.isArray(value) ? value.filter((v) => v !== null && typeof v === "object") : [];
}
function text(value) {
  return typeof value === "string" ? value.trim() : void 0;
}
function columns(value) {
  return asList(value).map((column) => ({
    name: String(column.name),
    description: text(column.description),
    dataType: text(column.data_type)
  }));
}
async function filesUnder(dir) {
  const entries = await readdir3(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join3(e.parentPath, e.name)).sort();
}
async function readYmlDetails(root) {
  const details = {
    modelColumns: /* @__PURE__ */ new Map(),
    sourceColumns: /* @__PURE__ */ new Map(),
    sourceDescriptions: /* @__PURE__ */ new Map()
  };
  const ymlFiles = (await filesUnder(join3(root, "models"))).filter((f) => /\.ya?ml$/.test(f));
  for (const path of ymlFiles) {
    let doc;
    try {
      doc = (0, import_yaml.parse)(await readFile3(path, "utf8"));
    } catch {
      continue;
    }
    if (doc === null || typeof doc !== "object") continue;
    const { models, sources } = doc;
    for (const model of asList(models)) details.modelColumns.set(String(model.name), columns(model.columns));
    for (const source of asList(sources)) {
      const description = text(source.description);
      if (description) details.sourceDescriptions.set(String(source.name), description);
      for (const table of asList(source.tables)) {
        details.sourceColumns.set(`${String(source.name)}.${String(table.name)}`, columns(table.columns));
      }
    }
  }
  return details;
}

// src/docs/catalog.ts
var modelId = (name) => `model.${name}`;
var sourceId = (key) => `source.${key}`;
var seedId = (name) => `seed.${name}`;
async function buildCatalog(options) {
  const { project, warehouse } = options;
  const blocks = await readDocBlocks(project.root);
  const details = await readYmlDetails(project.root);
  const dialect = warehouse?.dialect ?? "duckdb";
  const { compiled, selected, singular } = planProject(project, dialect);
  const planned = planTests(project, compiled, selected, dialect);
  const describe = (text2, where) => resolveDocReferences(text2, blocks, where);
  const results = await lastResults(options, planned);
  const nodes = /* @__PURE__ */ new Map();
  for (const [key, source] of project.sources) {
    const declared = mergeColumns(source.columns, details.sourceColumns.get(key) ?? []);
    nodes.set(sourceId(key), {
      id: sourceId(key),
      kind: "source",
      name: key,
      schema: source.schema,
      relation: `${source.schema}.${source.identifier}`,
      description: describe(source.description, `${source.file}: source ${key}`) ?? describe(details.sourceDescriptions.get(source.source), `${source.file}: source ${source.source}`),
      file: source.file,
      ymlFile: source.file,
      columns: columnsFrom(
        declared,
        source.tests,
        `source_${source.source}_${source.name}`,
        source.file,
        describe
      ),
      tests: tableTests(source.tests, `source_${source.source}_${source.name}`),
      parents: [],
      children: [],
      freshness: source.loadedAtField ? {
        loadedAtField: source.loadedAtField,
        warnAfterHours: source.freshness?.warnAfterHours ?? DEFAULT_FRESHNESS_WARN_HOURS,
        errorAfterHours: source.freshness?.errorAfterHours,
        status: "unknown"
      } : void 0
    });
  }
  for (const seed of project.seeds.values()) {
    const documented = new Map(seed.columns.map((c) => [c.name, c]));
    const columns2 = [
      ...seed.columnNames.map((name) => documented.get(name) ?? { name }),
      ...seed.columns.filter((c) => !seed.columnNames.includes(c.name))
    ];
    const where = seed.ymlFile ?? seed.path;
    nodes.set(seedId(seed.name), {
      id: seedId(seed.name),
      kind: "seed",
      name: seed.name,
      schema: SEED_SCHEMA,
      relation: `${SEED_SCHEMA}.${seed.name}`,
      description: describe(seed.description, `${where}: seed ${seed.name}`),
      file: seed.path,
      ymlFile: seed.ymlFile,
      columns: columnsFrom(columns2, seed.tests, seed.name, where, describe),
      tests: tableTests(seed.tests, seed.name),
      parents: [],
      children: []
    });
  }
  for (const model of project.models.values()) {
    const planned2 = compiled.get(model.name);
    const declared = mergeColumns(model.columns, details.modelColumns.get(model.name) ?? []);
    nodes.set(modelId(model.name), {
      id: modelId(model.name),
      kind: "model",
      name: model.name,
      schema: planned2.config.schema,
      relation: planned2.relation,
      description: describe(model.description, `${model.ymlFile ?? model.path}: model ${model.name}`),
      file: model.path,
      ymlFile: model.ymlFile,
      sql: model.sql,
      materialized: planned2.config.materialized,
      uniqueKey: planned2.config.uniqueKey,
      tags: planned2.config.tags,
      columns: columnsFrom(declared, model.tests, model.name, model.ymlFile ?? model.path, describe),
      tests: tableTests(model.tests, model.name),
      parents: parentsOf(planned2),
      children: []
    });
  }
  for (const node of nodes.values()) {
    for (const parent of node.parents) nodes.get(parent)?.children.push(node.id);
  }
  for (const node of nodes.values()) node.children.sort();
  for (const test of singular) {
    const on2 = [...test.refs.map(modelId), ...test.sources.map(sourceId)];
    for (const id of on2) {
      nodes.get(id)?.tests.push({
        name: test.name,
        kind: "singular",
        severity: test.severity,
        declaredIn: test.path
      });
    }
  }
  for (const test of planned.filter((t) => t.freshness)) {
    nodes.get(sourceId(test.on[0]))?.tests.unshift({
      name: test.name,
      kind: "freshness",
      severity: test.severity,
      declaredIn: test.declaredIn
    });
  }
  for (const node of nodes.values()) {
    for (const test of [...node.tests, ...node.columns.flatMap((c) => c.tests)]) {
      test.result = results.results?.tests.get(test.name.toLowerCase());
    }
  }
  const runs = /* @__PURE__ */ new Map();
  if (results.models) for (const model of results.models) runs.set(model.name, model);
  for (const node of nodes.values()) if (node.kind === "model") node.lastRun = runs.get(node.name);
  if (warehouse) await readWarehouse(warehouse, nodes, options.now);
  const schemas = /* @__PURE__ */ new Map();
  for (const node of [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    schemas.set(node.schema, [...schemas.get(node.schema) ?? [], node.id]);
  }
  return {
    generatedAt: options.now.toISOString(),
    projectRoot: project.root,
    warehouseUrl: warehouse?.url,
    warehouseNote: options.warehouseNote,
    results: results.results,
    resultsNote: results.note,
    nodes,
    schemas: new Map([...schemas].sort(([a], [b]) => a.localeCompare(b)))
  };
}
function mergeColumns(read, details) {
  const byName = new Map(details.map((c) => [c.name, c]));
  return read.map((c) => ({ ...c, dataType: byName.get(c.name)?.dataType }));
}
function columnsFrom(declared, tests, on2, file, describe) {
  const columns2 = declared.map((c) => ({
    name: c.name,
    description: describe(c.description, `${file}: column ${c.name}`),
    ...c.dataType ? { type: c.dataType, typeFrom: "yml" } : {},
    ...c.meta?.pii === true ? { personal: typeof c.meta.pii_reason === "string" ? { reason: c.meta.pii_reason.trim() } : {} } : {},
    tests: []
  }));
  for (const test of tests.filter((t) => t.column !== void 0)) {
    let column = columns2.find((c) => c.name === test.column);
    if (!column) {
      column = { name: test.column, tests: [] };
      columns2.push(column);
    }
    column.tests.push(catalogTest(test, on2));
  }
  return columns2;
}
function tableTests(tests, on2) {
  return tests.filter((t) => t.column === void 0).map((t) => catalogTest(t, on2));
}
function catalogTest(test, on2) {
  return {
    name: testName(test, on2),
    kind: test.kind,
    column: test.column,
    severity: test.severity,
    declaredIn: test.file
  };
}
function parentsOf(model) {
  return [...model.refs.map(modelId), ...model.seeds.map(seedId), ...model.sources.map(sourceId)].sort();
}
async function lastResults(options, planned) {
  const file = await latestRunResults(options.targetDir, options.warn);
  let recorded;
  if (options.warehouse?.dialect === "snowflake")
    recorded = await recordedResults(options.warehouse, planned);
  if (recorded && !(file?.at && recorded.at && file.at > recorded.at)) return { results: recorded };
  if (file) return { results: file, models: file.models };
  return {
    note: options.warehouse?.dialect === "snowflake" ? `Tests have not run yet: pipeline.test_results holds no results and there is no run_results.json under ${options.targetDir}. Run \`transform --warehouse snowflake\`, then build the docs again.` : `Tests have not run yet: there is no run_results.json under ${options.targetDir}. Run \`transform\` (or pass --target DIR where it wrote its results), then build the docs again.`
  };
}
async function readWarehouse(warehouse, nodes, now) {
  for (const node of nodes.values()) {
    const [schema, name] = node.relation.split(".");
    const columns2 = await warehouse.columns(schema, name);
    node.built = columns2.length > 0;
    if (!node.built) continue;
    const documented = new Map(node.columns.map((c) => [c.name.toLowerCase(), c]));
    const ordered = [];
    for (const column of columns2) {
      const name2 = column.name.toLowerCase();
      const doc = documented.get(name2);
      documented.delete(name2);
      ordered.push({
        ...doc ?? { name: name2, tests: [] },
        type: column.type,
        typeFrom: "warehouse",
        inWarehouse: true
      });
    }
    for (const doc of documented.values()) ordered.push({ ...doc, inWarehouse: false });
    node.columns = ordered;
    if (node.freshness) {
      const field = node.freshness.loadedAtField;
      const [row] = await warehouse.query(
        `select max(${field}) as latest from ${node.relation}`
      );
      const latest = row?.latest instanceof Date ? row.latest : null;
      node.freshness.latest = latest?.toISOString() ?? null;
      if (latest) node.freshness.ageHours = (now.getTime() - latest.getTime()) / 36e5;
      node.freshness.status = freshnessStatus(node.freshness);
    }
  }
  for (const node of nodes.values()) {
    if (node.freshness && node.built === false) node.freshness.status = "unknown";
  }
}
function freshnessStatus(freshness) {
  if (freshness.latest === void 0) return "unknown";
  if (freshness.latest === null || freshness.ageHours === void 0) return "empty";
  if (freshness.errorAfterHours !== void 0 && freshness.ageHours > freshness.errorAfterHours)
    return "error";
  if (freshness.ageHours > freshness.warnAfterHours) return "warn";
  return "fresh";
}

// node_modules/@dagrejs/dagre/dist/dagre.esm.js
var Te = Object.defineProperty;
var Sn = (e, n, t) => n in e ? Te(e, n, { enumerable: true, configurable: true, writable: true, value: t }) : e[n] = t;
var Mn = (e, n) => {
  for (var t in n) Te(e, t, { get: n[t], enumerable: true });
};
var je = (e, n, t) => Sn(e, typeof n != "symbol" ? n + "" : n, t);
var ie = {};
Mn(ie, { Graph: () => T, alg: () => H });
var Pn = Object.defineProperty;
var Se = (e, n) => {
  for (var t in n) Pn(e, t, { get: n[t], enumerable: true });
};
var Q = class {
  constructor(e) {
    this._isDirected = true, this._isMultigraph = false, this._isCompound = false, this._nodes = {}, this._in = {}, this._preds = {}, this._out = {}, this._sucs = {}, this._edgeObjs = {}, this._edgeLabels = {}, this._nodeCount = 0, this._edgeCount = 0, this._defaultNodeLabelFn = () => {
    }, this._defaultEdgeLabelFn = () => {
    }, e && (this._isDirected = "directed" in e ? e.directed : true, this._isMultigraph = "multigraph" in e ? e.multigraph : false, this._isCompound = "compound" in e ? e.compound : false), this._isCompound && (this._parent = {}, this._children = {}, this._children["\0"] = {});
  }
  isDirected() {
    return this._isDirected;
  }
  isMultigraph() {
    return this._isMultigraph;
  }
  isCompound() {
    return this._isCompound;
  }
  setGraph(e) {
    return this._label = e, this;
  }
  graph() {
    return this._label;
  }
  setDefaultNodeLabel(e) {
    return typeof e != "function" ? this._defaultNodeLabelFn = () => e : this._defaultNodeLabelFn = e, this;
  }
  nodeCount() {
    return this._nodeCount;
  }
  nodes() {
    return Object.keys(this._nodes);
  }
  sources() {
    return this.nodes().filter((e) => Object.keys(this._in[e]).length === 0);
  }
  sinks() {
    return this.nodes().filter((e) => Object.keys(this._out[e]).length === 0);
  }
  setNodes(e, n) {
    return e.forEach((t) => {
      n !== void 0 ? this.setNode(t, n) : this.setNode(t);
    }), this;
  }
  setNode(e, n) {
    return e in this._nodes ? (arguments.length > 1 && (this._nodes[e] = n), this) : (this._nodes[e] = arguments.length > 1 ? n : this._defaultNodeLabelFn(e), this._isCompound && (this._parent[e] = "\0", this._children[e] = {}, this._children["\0"][e] = true), this._in[e] = {}, this._preds[e] = {}, this._out[e] = {}, this._sucs[e] = {}, ++this._nodeCount, this);
  }
  node(e) {
    return this._nodes[e];
  }
  hasNode(e) {
    return e in this._nodes;
  }
  removeNode(e) {
    if (e in this._nodes) {
      let n = (t) => this.removeEdge(this._edgeObjs[t]);
      delete this._nodes[e], this._isCompound && (this._removeFromParentsChildList(e), delete this._parent[e], this.children(e).forEach((t) => {
        this.setParent(t);
      }), delete this._children[e]), Object.keys(this._in[e]).forEach(n), delete this._in[e], delete this._preds[e], Object.keys(this._out[e]).forEach(n), delete this._out[e], delete this._sucs[e], --this._nodeCount;
    }
    return this;
  }
  setParent(e, n) {
    if (!this._isCompound) throw new Error("Cannot set parent in a non-compound graph");
    if (n === void 0) n = "\0";
    else {
      n += "";
      for (let t = n; t !== void 0; t = this.parent(t)) if (t === e) throw new Error("Setting " + n + " as parent of " + e + " would create a cycle");
      this.setNode(n);
    }
    return this.setNode(e), this._removeFromParentsChildList(e), this._parent[e] = n, this._children[n][e] = true, this;
  }
  parent(e) {
    if (this._isCompound) {
      let n = this._parent[e];
      if (n !== "\0") return n;
    }
  }
  children(e = "\0") {
    if (this._isCompound) {
      let n = this._children[e];
      if (n) return Object.keys(n);
    } else {
      if (e === "\0") return this.nodes();
      if (this.hasNode(e)) return [];
    }
    return [];
  }
  predecessors(e) {
    let n = this._preds[e];
    if (n) return Object.keys(n);
  }
  successors(e) {
    let n = this._sucs[e];
    if (n) return Object.keys(n);
  }
  neighbors(e) {
    let n = this.predecessors(e);
    if (n) {
      let t = new Set(n), r = this.successors(e);
      if (r) for (let o of r) t.add(o);
      return Array.from(t.values());
    }
  }
  isLeaf(e) {
    var n;
    let t;
    return this.isDirected() ? t = this.successors(e) : t = this.neighbors(e), ((n = t == null ? void 0 : t.length) != null ? n : 0) === 0;
  }
  filterNodes(e) {
    let n = new this.constructor({ directed: this._isDirected, multigraph: this._isMultigraph, compound: this._isCompound });
    n.setGraph(this.graph()), Object.entries(this._nodes).forEach(([o, i]) => {
      e(o) && n.setNode(o, i);
    }), Object.values(this._edgeObjs).forEach((o) => {
      n.hasNode(o.v) && n.hasNode(o.w) && n.setEdge(o, this.edge(o));
    });
    let t = {}, r = (o) => {
      let i = this.parent(o);
      return !i || n.hasNode(i) ? (t[o] = i, i) : i in t ? t[i] : r(i);
    };
    return this._isCompound && n.nodes().forEach((o) => n.setParent(o, r(o))), n;
  }
  setDefaultEdgeLabel(e) {
    return typeof e != "function" ? this._defaultEdgeLabelFn = () => e : this._defaultEdgeLabelFn = e, this;
  }
  edgeCount() {
    return this._edgeCount;
  }
  edges() {
    return Object.values(this._edgeObjs);
  }
  setPath(e, n) {
    return e.reduce((t, r) => (n !== void 0 ? this.setEdge(t, r, n) : this.setEdge(t, r), r)), this;
  }
  setEdge(e, n, t, r) {
    let o, i, s, a, l = false;
    typeof e == "object" && e !== null && "v" in e ? (o = e.v, i = e.w, s = e.name, arguments.length === 2 && (a = n, l = true)) : (o = e, i = n, s = r, arguments.length > 2 && (a = t, l = true)), o = "" + o, i = "" + i, s !== void 0 && (s = "" + s);
    let u = z(this._isDirected, o, i, s);
    if (u in this._edgeLabels) return l && (this._edgeLabels[u] = a), this;
    if (s !== void 0 && !this._isMultigraph) throw new Error("Cannot set a named edge when isMultigraph = false");
    this.setNode(o), this.setNode(i), this._edgeLabels[u] = l ? a : this._defaultEdgeLabelFn(o, i, s);
    let d = Fn(this._isDirected, o, i, s);
    return o = d.v, i = d.w, Object.freeze(d), this._edgeObjs[u] = d, Re(this._preds[i], o), Re(this._sucs[o], i), this._in[i][u] = d, this._out[o][u] = d, this._edgeCount++, this;
  }
  edge(e, n, t) {
    let r = arguments.length === 1 ? oe(this._isDirected, e) : z(this._isDirected, e, n, t);
    return this._edgeLabels[r];
  }
  edgeAsObj(e, n, t) {
    let r = arguments.length === 1 ? this.edge(e) : this.edge(e, n, t);
    return typeof r != "object" || r === null ? { label: r } : r;
  }
  hasEdge(e, n, t) {
    return (arguments.length === 1 ? oe(this._isDirected, e) : z(this._isDirected, e, n, t)) in this._edgeLabels;
  }
  removeEdge(e, n, t) {
    let r = arguments.length === 1 ? oe(this._isDirected, e) : z(this._isDirected, e, n, t), o = this._edgeObjs[r];
    if (o) {
      let i = o.v, s = o.w;
      delete this._edgeLabels[r], delete this._edgeObjs[r], Ie(this._preds[s], i), Ie(this._sucs[i], s), delete this._in[s][r], delete this._out[i][r], this._edgeCount--;
    }
    return this;
  }
  inEdges(e, n) {
    return this.isDirected() ? this.filterEdges(this._in[e], e, n) : this.nodeEdges(e, n);
  }
  outEdges(e, n) {
    return this.isDirected() ? this.filterEdges(this._out[e], e, n) : this.nodeEdges(e, n);
  }
  nodeEdges(e, n) {
    if (e in this._nodes) return this.filterEdges({ ...this._in[e], ...this._out[e] }, e, n);
  }
  _removeFromParentsChildList(e) {
    delete this._children[this._parent[e]][e];
  }
  filterEdges(e, n, t) {
    if (!e) return;
    let r = Object.values(e);
    return t ? r.filter((o) => o.v === n && o.w === t || o.v === t && o.w === n) : r;
  }
};
function Re(e, n) {
  e[n] ? e[n]++ : e[n] = 1;
}
function Ie(e, n) {
  e[n] !== void 0 && !--e[n] && delete e[n];
}
function z(e, n, t, r) {
  let o = "" + n, i = "" + t;
  if (!e && o > i) {
    let s = o;
    o = i, i = s;
  }
  return o + "" + i + "" + (r === void 0 ? "\0" : r);
}
function Fn(e, n, t, r) {
  let o = "" + n, i = "" + t;
  if (!e && o > i) {
    let a = o;
    o = i, i = a;
  }
  let s = { v: o, w: i };
  return r && (s.name = r), s;
}
function oe(e, n) {
  return z(e, n.v, n.w, n.name);
}
var Dn = {};
Se(Dn, { read: () => Bn, write: () => An });
function An(e) {
  let n = { options: { directed: e.isDirected(), multigraph: e.isMultigraph(), compound: e.isCompound() }, nodes: Vn(e), edges: Yn(e) }, t = e.graph();
  return t !== void 0 && (n.value = structuredClone(t)), n;
}
function Vn(e) {
  return e.nodes().map((n) => {
    let t = e.node(n), r = e.parent(n), o = { v: n };
    return t !== void 0 && (o.value = t), r !== void 0 && (o.parent = r), o;
  });
}
function Yn(e) {
  return e.edges().map((n) => {
    let t = e.edge(n), r = { v: n.v, w: n.w };
    return n.name !== void 0 && (r.name = n.name), t !== void 0 && (r.value = t), r;
  });
}
function Bn(e) {
  let n = new Q(e.options);
  return e.value !== void 0 && n.setGraph(e.value), e.nodes.forEach((t) => {
    n.setNode(t.v, t.value), t.parent && n.setParent(t.v, t.parent);
  }), e.edges.forEach((t) => {
    n.setEdge({ v: t.v, w: t.w, name: t.name }, t.value);
  }), n;
}
var H = {};
Se(H, { CycleException: () => K, bellmanFord: () => Me, components: () => zn, dijkstra: () => J, dijkstraAll: () => $n, findCycles: () => Un, floydWarshall: () => Kn, isAcyclic: () => Zn, postorder: () => nt, preorder: () => tt, prim: () => rt, shortestPaths: () => ot, tarjan: () => Fe, topsort: () => De });
var Wn = () => 1;
function Me(e, n, t, r) {
  return Xn(e, String(n), t || Wn, r || function(o) {
    var i;
    return (i = e.outEdges(o)) != null ? i : [];
  });
}
function Xn(e, n, t, r) {
  let o = {}, i, s = 0, a = e.nodes(), l = function(c) {
    let f = o[c.v], h = o[c.w];
    if (!f || !h) return;
    let g = t(c);
    f.distance + g < h.distance && (o[c.w] = { distance: f.distance + g, predecessor: c.v }, i = true);
  }, u = function() {
    a.forEach(function(c) {
      r(c).forEach(function(f) {
        let h = f.v === c ? f.v : f.w, g = h === f.v ? f.w : f.v;
        l({ v: h, w: g });
      });
    });
  };
  a.forEach(function(c) {
    let f = c === n ? 0 : Number.POSITIVE_INFINITY;
    o[c] = { distance: f, predecessor: "" };
  });
  let d = a.length;
  for (let c = 1; c < d && (i = false, s++, u(), !!i); c++) ;
  if (s === d - 1 && (i = false, u(), i)) throw new Error("The graph contains a negative weight cycle");
  return o;
}
function zn(e) {
  let n = {}, t = [], r;
  function o(i) {
    var s, a;
    i in n || (n[i] = true, r.push(i), (s = e.successors(i)) == null || s.forEach(o), (a = e.predecessors(i)) == null || a.forEach(o));
  }
  return e.nodes().forEach(function(i) {
    r = [], o(i), r.length && t.push(r);
  }), t;
}
var Pe = class {
  constructor() {
    this._arr = [], this._keyIndices = {};
  }
  size() {
    return this._arr.length;
  }
  keys() {
    return this._arr.map((e) => e.key);
  }
  has(e) {
    return e in this._keyIndices;
  }
  priority(e) {
    let n = this._keyIndices[e];
    if (n !== void 0) return this._arr[n].priority;
  }
  min() {
    if (this.size() === 0) throw new Error("Queue underflow");
    return this._arr[0].key;
  }
  add(e, n) {
    let t = this._keyIndices, r = String(e);
    if (!(r in t)) {
      let o = this._arr, i = o.length;
      return t[r] = i, o.push({ key: r, priority: n }), this._decrease(i), true;
    }
    return false;
  }
  removeMin() {
    if (this.size() === 0) throw new Error("Queue underflow");
    this._swap(0, this._arr.length - 1);
    let e = this._arr.pop();
    return delete this._keyIndices[e.key], this._heapify(0), e.key;
  }
  decrease(e, n) {
    let t = this._keyIndices[e];
    if (t === void 0) throw new Error(`Key not found: ${e}`);
    let r = this._arr[t].priority;
    if (n > r) throw new Error(`New priority is greater than current priority. Key: ${e} Old: ${r} New: ${n}`);
    this._arr[t].priority = n, this._decrease(t);
  }
  _heapify(e) {
    let n = this._arr, t = 2 * e, r = t + 1, o = e;
    t < n.length && (o = n[t].priority < n[o].priority ? t : o, r < n.length && (o = n[r].priority < n[o].priority ? r : o), o !== e && (this._swap(e, o), this._heapify(o)));
  }
  _decrease(e) {
    let n = this._arr, t = n[e].priority, r;
    for (; e !== 0 && (r = e >> 1, !(n[r].priority < t)); ) this._swap(e, r), e = r;
  }
  _swap(e, n) {
    let t = this._arr, r = this._keyIndices, o = t[e], i = t[n];
    t[e] = i, t[n] = o, r[i.key] = e, r[o.key] = n;
  }
};
var Hn = () => 1;
function J(e, n, t, r) {
  let o = function(i) {
    var s;
    return (s = e.outEdges(i)) != null ? s : [];
  };
  return qn(e, String(n), t || Hn, r || o);
}
function qn(e, n, t, r) {
  let o = {}, i = new Pe(), s, a, l = function(u) {
    let d = u.v !== s ? u.v : u.w, c = o[d];
    if (!c) return;
    let f = t(u), h = a.distance + f;
    if (f < 0) throw new Error("dijkstra does not allow negative edge weights. Bad edge: " + u + " Weight: " + f);
    h < c.distance && (c.distance = h, c.predecessor = s, i.decrease(d, h));
  };
  for (e.nodes().forEach(function(u) {
    let d = u === n ? 0 : Number.POSITIVE_INFINITY;
    o[u] = { distance: d, predecessor: "" }, i.add(u, d);
  }); i.size() > 0; ) {
    s = i.removeMin();
    let u = o[s];
    if (!u || u.distance === Number.POSITIVE_INFINITY) break;
    a = u, r(s).forEach(l);
  }
  return o;
}
function $n(e, n, t) {
  return e.nodes().reduce(function(r, o) {
    return r[o] = J(e, o, n, t), r;
  }, {});
}
function Fe(e) {
  let n = 0, t = [], r = {}, o = [];
  function i(s) {
    var a;
    let l = r[s] = { onStack: true, lowlink: n, index: n++ };
    if (t.push(s), (a = e.successors(s)) == null || a.forEach(function(u) {
      if (u in r) {
        let d = r[u];
        d != null && d.onStack && (l.lowlink = Math.min(l.lowlink, d.index));
      } else {
        i(u);
        let d = r[u];
        d && (l.lowlink = Math.min(l.lowlink, d.lowlink));
      }
    }), l.lowlink === l.index) {
      let u = [], d;
      do {
        d = t.pop();
        let c = r[d];
        c && (c.onStack = false), u.push(d);
      } while (s !== d);
      o.push(u);
    }
  }
  return e.nodes().forEach(function(s) {
    s in r || i(s);
  }), o;
}
function Un(e) {
  return Fe(e).filter(function(n) {
    var t;
    let r = n[0];
    return r ? n.length > 1 || n.length === 1 && ((t = e.outEdges(r, r)) != null ? t : []).length > 0 : false;
  });
}
var Jn = () => 1;
function Kn(e, n, t) {
  return Qn(e, n || Jn, t || function(r) {
    var o;
    return (o = e.outEdges(r)) != null ? o : [];
  });
}
function Qn(e, n, t) {
  let r = {}, o = e.nodes();
  return o.forEach(function(i) {
    let s = {};
    r[i] = s, s[i] = { distance: 0, predecessor: "" }, o.forEach(function(a) {
      i !== a && (s[a] = { distance: Number.POSITIVE_INFINITY, predecessor: "" });
    }), t(i).forEach(function(a) {
      let l = a.v === i ? a.w : a.v, u = n(a);
      s[l] = { distance: u, predecessor: i };
    });
  }), o.forEach(function(i) {
    let s = r[i];
    s && o.forEach(function(a) {
      let l = r[a];
      l && o.forEach(function(u) {
        let d = l[i], c = s[u], f = l[u];
        if (d && c && f) {
          let h = d.distance + c.distance;
          h < f.distance && (f.distance = h, f.predecessor = c.predecessor);
        }
      });
    });
  }), r;
}
var K = class extends Error {
  constructor(e) {
    super(e), this.name = "CycleException";
  }
};
function De(e) {
  let n = {}, t = {}, r = [];
  function o(i) {
    var s;
    if (i in t) throw new K();
    i in n || (t[i] = true, n[i] = true, (s = e.predecessors(i)) == null || s.forEach(o), delete t[i], r.push(i));
  }
  if (e.sinks().forEach(o), Object.keys(n).length !== e.nodeCount()) throw new K();
  return r;
}
function Zn(e) {
  try {
    De(e);
  } catch (n) {
    if (n instanceof K) return false;
    throw n;
  }
  return true;
}
function et(e, n, t, r, o) {
  Array.isArray(n) || (n = [n]);
  let i = ((a) => {
    var l;
    return (l = e.isDirected() ? e.successors(a) : e.neighbors(a)) != null ? l : [];
  }), s = {};
  return n.forEach(function(a) {
    if (!e.hasNode(a)) throw new Error("Graph does not have node: " + a);
    o = Ae(e, a, t === "post", s, i, r, o);
  }), o;
}
function Ae(e, n, t, r, o, i, s) {
  return n in r || (r[n] = true, t || (s = i(s, n)), o(n).forEach(function(a) {
    s = Ae(e, a, t, r, o, i, s);
  }), t && (s = i(s, n))), s;
}
function Ve(e, n, t) {
  return et(e, n, t, function(r, o) {
    return r.push(o), r;
  }, []);
}
function nt(e, n) {
  return Ve(e, n, "post");
}
function tt(e, n) {
  return Ve(e, n, "pre");
}
function rt(e, n) {
  var t;
  let r = new Q(), o = {}, i = new Pe(), s;
  function a(d) {
    let c = d.v === s ? d.w : d.v, f = i.priority(c);
    if (f !== void 0) {
      let h = n(d);
      h < f && (o[c] = s, i.decrease(c, h));
    }
  }
  if (e.nodeCount() === 0) return r;
  e.nodes().forEach(function(d) {
    i.add(d, Number.POSITIVE_INFINITY), r.setNode(d);
  });
  let l = e.nodes()[0];
  l !== void 0 && i.decrease(l, 0);
  let u = false;
  for (; i.size() > 0; ) {
    if (s = i.removeMin(), s in o) r.setEdge(s, o[s]);
    else {
      if (u) throw new Error("Input graph is not connected: " + e);
      u = true;
    }
    (t = e.nodeEdges(s)) == null || t.forEach(a);
  }
  return r;
}
function ot(e, n, t, r) {
  return it(e, n, t, r != null ? r : ((o) => {
    var i;
    return (i = e.outEdges(o)) != null ? i : [];
  }));
}
function it(e, n, t, r) {
  if (t === void 0) return J(e, n, t, r);
  let o = false, i = e.nodes();
  for (let s = 0; s < i.length; s++) {
    let a = i[s];
    if (a === void 0) continue;
    let l = r(a);
    for (let u = 0; u < l.length; u++) {
      let d = l[u];
      if (!d) continue;
      let c = d.v === a ? d.v : d.w, f = c === d.v ? d.w : d.v;
      t({ v: c, w: f }) < 0 && (o = true);
    }
    if (o) return Me(e, n, t, r);
  }
  return J(e, n, t, r);
}
var T = Q;
function M(e, n, t, r) {
  let o = r;
  for (; e.hasNode(o); ) o = $(r);
  return t.dummy = n, e.setNode(o, t), o;
}
function Ye(e) {
  let n = new T().setGraph(e.graph());
  return e.nodes().forEach((t) => n.setNode(t, e.node(t))), e.edges().forEach((t) => {
    let r = n.edge(t.v, t.w) || { weight: 0, minlen: 1 }, o = e.edge(t);
    n.setEdge(t.v, t.w, { weight: r.weight + o.weight, minlen: Math.max(r.minlen, o.minlen) });
  }), n;
}
function Z(e) {
  let n = new T({ multigraph: e.isMultigraph() }).setGraph(e.graph());
  return e.nodes().forEach((t) => {
    e.children(t).length || n.setNode(t, e.node(t));
  }), e.edges().forEach((t) => {
    n.setEdge(t, e.edge(t));
  }), n;
}
function se(e, n) {
  let t = e.x, r = e.y, o = n.x - t, i = n.y - r, s = e.width / 2, a = e.height / 2;
  if (!o && !i) throw new Error("Not possible to find intersection inside of the rectangle");
  let l, u;
  return o === 0 || Math.abs(i) * s > Math.abs(o) * a ? (i < 0 && (a = -a), l = a * o / i, u = a) : (o < 0 && (s = -s), l = s, u = s * i / o), { x: t + l, y: r + u };
}
function P(e) {
  let n = D(de(e) + 1).map(() => []);
  return e.nodes().forEach((t) => {
    let r = e.node(t), o = r.rank;
    o !== void 0 && (n[o] || (n[o] = []), n[o][r.order] = t);
  }), n;
}
function Be(e) {
  let n = e.nodes().map((r) => {
    let o = e.node(r).rank;
    return o === void 0 ? Number.MAX_VALUE : o;
  }), t = S(Math.min, n);
  e.nodes().forEach((r) => {
    let o = e.node(r);
    Object.hasOwn(o, "rank") && (o.rank -= t);
  });
}
function We(e) {
  let n = e.nodes().map((s) => e.node(s).rank).filter((s) => s !== void 0), t = S(Math.min, n), r = [];
  e.nodes().forEach((s) => {
    let a = e.node(s).rank - t;
    r[a] || (r[a] = []), r[a].push(s);
  });
  let o = 0, i = e.graph().nodeRankFactor;
  Array.from(r).forEach((s, a) => {
    s === void 0 && a % i !== 0 ? --o : s !== void 0 && o && s.forEach((l) => e.node(l).rank += o);
  });
}
function ae(e, n, t, r) {
  let o = { width: 0, height: 0 };
  return arguments.length >= 4 && (o.rank = t, o.order = r), M(e, "border", o, n);
}
function st(e, n = Xe) {
  let t = [];
  for (let r = 0; r < e.length; r += n) {
    let o = e.slice(r, r + n);
    t.push(o);
  }
  return t;
}
var Xe = 65535;
function S(e, n) {
  if (n.length > Xe) {
    let t = st(n);
    return e(...t.map((r) => e(...r)));
  } else return e(...n);
}
function de(e) {
  let t = e.nodes().map((r) => {
    let o = e.node(r).rank;
    return o === void 0 ? Number.MIN_VALUE : o;
  });
  return S(Math.max, t);
}
function ze(e, n) {
  let t = { lhs: [], rhs: [] };
  return e.forEach((r) => {
    n(r) ? t.lhs.push(r) : t.rhs.push(r);
  }), t;
}
function le(e, n) {
  let t = Date.now();
  try {
    return n();
  } finally {
    console.log(e + " time: " + (Date.now() - t) + "ms");
  }
}
function q(e, n) {
  return n();
}
var at = 0;
function $(e) {
  let n = ++at;
  return e + ("" + n);
}
function D(e, n, t = 1) {
  n == null && (n = e, e = 0);
  let r = (i) => i < n;
  t < 0 && (r = (i) => n < i);
  let o = [];
  for (let i = e; r(i); i += t) o.push(i);
  return o;
}
function W(e, n) {
  let t = {};
  for (let r of n) e[r] !== void 0 && (t[r] = e[r]);
  return t;
}
function X(e, n) {
  let t;
  return typeof n == "string" ? t = (r) => r[n] : t = n, Object.entries(e).reduce((r, [o, i]) => (r[o] = t(i, o), r), {});
}
function He(e, n) {
  return e.reduce((t, r, o) => (t[r] = n[o], t), {});
}
var V = "\0";
function ee(e, n, t) {
  var u, d, c, f, h, g;
  if (!(e && n && t && n.dummy === "edge" && t.dummy === "edge" && n.edgeObj && t.edgeObj && e[n.edgeObj.v] && e[t.edgeObj.v] && e[n.edgeObj.w] && e[t.edgeObj.w])) return 0;
  let r = true;
  n.edgeObj.w === t.edgeObj.w && (r = false);
  let o = r ? (d = (u = e[n.edgeObj.v]) == null ? void 0 : u.rank) != null ? d : NaN + 1 : (f = (c = e[n.edgeObj.w]) == null ? void 0 : c.rank) != null ? f : NaN - 1, i = Object.entries(e).find((m) => {
    var L, y;
    return ((L = m[1].edgeObj) == null ? void 0 : L.v) === n.edgeObj.v && ((y = m[1].edgeObj) == null ? void 0 : y.w) === n.edgeObj.w && m[1].rank === o;
  }), s = Object.entries(e).find((m) => {
    var L, y;
    return ((L = m[1].edgeObj) == null ? void 0 : L.v) === t.edgeObj.v && ((y = m[1].edgeObj) == null ? void 0 : y.w) === t.edgeObj.w && m[1].rank === o;
  });
  if (!i || !s) return 0;
  let a = (h = i[1].order) != null ? h : NaN, l = (g = s[1].order) != null ? g : NaN;
  return isNaN(a - l) ? 0 : a - l;
}
var ue = "3.1.3";
var ce = class {
  constructor() {
    je(this, "_sentinel");
    let n = {};
    n._next = n._prev = n, this._sentinel = n;
  }
  dequeue() {
    let n = this._sentinel, t = n._prev;
    if (t !== n) return qe(t), t;
  }
  enqueue(n) {
    let t = this._sentinel;
    n._prev && n._next && qe(n), n._next = t._next, t._next._prev = n, t._next = n, n._prev = t;
  }
  toString() {
    let n = [], t = this._sentinel, r = t._prev;
    for (; r !== t; ) n.push(JSON.stringify(r, dt)), r = r._prev;
    return "[" + n.join(", ") + "]";
  }
};
function qe(e) {
  e._prev._next = e._next, e._next._prev = e._prev, delete e._next, delete e._prev;
}
function dt(e, n) {
  if (e !== "_next" && e !== "_prev") return n;
}
var $e = ce;
var lt = () => 1;
function be(e, n) {
  if (e.nodeCount() <= 1) return [];
  let t = ct(e, n || lt);
  return ut(t.graph, t.buckets, t.zeroIdx).flatMap((o) => e.outEdges(o.v, o.w) || []);
}
function ut(e, n, t) {
  var a;
  let r = [], o = n[n.length - 1], i = n[0], s;
  for (; e.nodeCount(); ) {
    for (; s = i.dequeue(); ) fe(e, n, t, s);
    for (; s = o.dequeue(); ) fe(e, n, t, s);
    if (e.nodeCount()) {
      for (let l = n.length - 2; l > 0; --l) if (s = (a = n[l]) == null ? void 0 : a.dequeue(), s) {
        r = r.concat(fe(e, n, t, s, true) || []);
        break;
      }
    }
  }
  return r;
}
function fe(e, n, t, r, o) {
  let i = [], s = o ? i : void 0;
  return (e.inEdges(r.v) || []).forEach((a) => {
    let l = e.edge(a), u = e.node(a.v);
    o && i.push({ v: a.v, w: a.w }), u.out -= l, he(n, t, u);
  }), (e.outEdges(r.v) || []).forEach((a) => {
    let l = e.edge(a), u = a.w, d = e.node(u);
    d.in -= l, he(n, t, d);
  }), e.removeNode(r.v), s;
}
function ct(e, n) {
  let t = new T(), r = 0, o = 0;
  e.nodes().forEach((a) => {
    t.setNode(a, { v: a, in: 0, out: 0 });
  }), e.edges().forEach((a) => {
    let l = t.edge(a.v, a.w) || 0, u = n(a), d = l + u;
    t.setEdge(a.v, a.w, d);
    let c = t.node(a.v), f = t.node(a.w);
    o = Math.max(o, c.out += u), r = Math.max(r, f.in += u);
  });
  let i = ft(o + r + 3).map(() => new $e()), s = r + 1;
  return t.nodes().forEach((a) => {
    he(i, s, t.node(a));
  }), { graph: t, buckets: i, zeroIdx: s };
}
function he(e, n, t) {
  var r, o, i;
  t.out ? t.in ? (i = e[t.out - t.in + n]) == null || i.enqueue(t) : (o = e[e.length - 1]) == null || o.enqueue(t) : (r = e[0]) == null || r.enqueue(t);
}
function ft(e) {
  let n = [];
  for (let t = 0; t < e; t++) n.push(t);
  return n;
}
function Ue(e, n) {
  (e.graph().acyclicer === "greedy" ? be(e, r(e)) : ht(e, n != null ? n : null)).forEach((o) => {
    let i = e.edge(o);
    e.removeEdge(o), i.forwardName = o.name, i.reversed = true, e.setEdge(o.w, o.v, i, $("rev"));
  });
  function r(o) {
    return (i) => o.edge(i).weight;
  }
}
function ht(e, n) {
  let t = [], r = {}, o = {};
  function i(l) {
    Object.hasOwn(o, l) || (o[l] = true, r[l] = true, e.outEdges(l).forEach((u) => {
      Object.hasOwn(r, u.w) ? t.push(u) : i(u.w);
    }), delete r[l]);
  }
  function s(l) {
    var u;
    Object.hasOwn(o, l) || (o[l] = true, r[l] = true, (u = e.outEdges(l)) == null || u.forEach((d) => {
      var c, f;
      Object.hasOwn(r, d.w) || ((c = n.node(l)) == null ? void 0 : c.rank) > ((f = n.node(d.w)) == null ? void 0 : f.rank) && bt(e, d.w, d) ? t.push(d) : s(d.w);
    }), delete r[l]);
  }
  let a = i;
  return n && typeof n.node == "function" && (a = s), e.sources().forEach(a), e.nodes().forEach(a), t;
}
function Je(e) {
  e.edges().forEach((n) => {
    let t = e.edge(n);
    if (t.reversed) {
      e.removeEdge(n);
      let r = t.forwardName;
      delete t.reversed, delete t.forwardName, e.setEdge(n.w, n.v, t, r);
    }
  });
}
function bt(e, n, t) {
  let r = /* @__PURE__ */ new Set();
  function o(i) {
    var s;
    if (e.sources().includes(i)) return true;
    r.add(i);
    for (let a of (s = e.inEdges(i)) != null ? s : []) if (!(a.v === t.v && a.w === t.w) && !r.has(a.v) && o(a.v)) return true;
    return false;
  }
  return o(n);
}
function Ke(e) {
  e.graph().dummyChains = [], e.edges().forEach((n) => pt(e, n));
}
function pt(e, n) {
  let t = n.v, r = e.node(t).rank, o = n.w, i = e.node(o).rank, s = n.name, a = e.edge(n), l = a.labelRank;
  if (i === r + 1) return;
  e.removeEdge(n);
  let u, d, c;
  for (c = 0, ++r; r < i; ++c, ++r) a.points = [], d = { width: 0, height: 0, edgeLabel: a, edgeObj: n, rank: r }, u = M(e, "edge", d, "_d"), r === l && (d.width = a.width, d.height = a.height, d.dummy = "edge-label", d.labelpos = a.labelpos), e.setEdge(t, u, { weight: a.weight }, s), c === 0 && e.graph().dummyChains.push(u), t = u;
  e.setEdge(t, o, { weight: a.weight }, s);
}
function Qe(e) {
  e.graph().dummyChains.forEach((n) => {
    let t = e.node(n), r = t.edgeLabel, o;
    for (e.setEdge(t.edgeObj, r); t.dummy; ) o = e.successors(n)[0], e.removeNode(n), r.points.push({ x: t.x, y: t.y }), t.dummy === "edge-label" && (r.x = t.x, r.y = t.y, r.width = t.width, r.height = t.height), n = o, t = e.node(n);
  });
}
function U(e) {
  let n = {};
  function t(r) {
    let o = e.node(r);
    if (Object.hasOwn(n, r)) return o.rank;
    n[r] = true;
    let i = e.outEdges(r), s = i ? i.map((l) => l == null ? Number.POSITIVE_INFINITY : t(l.w) - e.edge(l).minlen) : [], a = S(Math.min, s);
    return a === Number.POSITIVE_INFINITY && (a = 0), o.rank = a;
  }
  e.sources().forEach(t);
}
function A(e, n) {
  return e.node(n.w).rank - e.node(n.v).rank - e.edge(n).minlen;
}
var ne = Et;
function Et(e) {
  let n = new T({ directed: false }), t = e.nodes();
  if (t.length === 0) throw new Error("Graph must have at least one node");
  let r = t[0], o = e.nodeCount();
  n.setNode(r, {});
  let i, s;
  for (; Lt(n, e) < o && (i = yt(n, e), !!i); ) s = n.hasNode(i.v) ? A(e, i) : -A(e, i), wt(n, e, s);
  return n;
}
function Lt(e, n) {
  function t(r) {
    let o = n.nodeEdges(r);
    o && o.forEach((i) => {
      let s = i.v, a = r === s ? i.w : s;
      !e.hasNode(a) && !A(n, i) && (e.setNode(a, {}), e.setEdge(r, a, {}), t(a));
    });
  }
  return e.nodes().forEach(t), e.nodeCount();
}
function yt(e, n) {
  return n.edges().reduce((r, o) => {
    let i = Number.POSITIVE_INFINITY;
    return e.hasNode(o.v) !== e.hasNode(o.w) && (i = A(n, o)), i < r[0] ? [i, o] : r;
  }, [Number.POSITIVE_INFINITY, null])[1];
}
function wt(e, n, t) {
  e.nodes().forEach((r) => n.node(r).rank += t);
}
var { preorder: Nt, postorder: Gt } = H;
var en = Y;
Y.initLowLimValues = pe;
Y.initCutValues = ge;
Y.calcCutValue = nn;
Y.leaveEdge = rn;
Y.enterEdge = on;
Y.exchangeEdges = sn;
function Y(e) {
  e = Ye(e), U(e);
  let n = ne(e);
  pe(n), ge(n, e);
  let t, r;
  for (; t = rn(n); ) r = on(n, e, t), sn(n, e, t, r);
}
function ge(e, n) {
  let t = Gt(e, e.nodes());
  t = t.slice(0, t.length - 1), t.forEach((r) => vt(e, n, r));
}
function vt(e, n, t) {
  let o = e.node(t).parent, i = e.edge(t, o);
  i.cutvalue = nn(e, n, t);
}
function nn(e, n, t) {
  let o = e.node(t).parent, i = true, s = n.edge(t, o), a = 0;
  s || (i = false, s = n.edge(o, t)), a = s.weight;
  let l = n.nodeEdges(t);
  return l && l.forEach((u) => {
    let d = u.v === t, c = d ? u.w : u.v;
    if (c !== o) {
      let f = d === i, h = n.edge(u).weight;
      if (a += f ? h : -h, xt(e, t, c)) {
        let m = e.edge(t, c).cutvalue;
        a += f ? -m : m;
      }
    }
  }), a;
}
function pe(e, n) {
  arguments.length < 2 && (n = e.nodes()[0]), tn(e, {}, 1, n);
}
function tn(e, n, t, r, o) {
  let i = t, s = e.node(r);
  n[r] = true;
  let a = e.neighbors(r);
  return a && a.forEach((l) => {
    Object.hasOwn(n, l) || (t = tn(e, n, t, l, r));
  }), s.low = i, s.lim = t++, o ? s.parent = o : delete s.parent, t;
}
function rn(e) {
  return e.edges().find((n) => e.edge(n).cutvalue < 0);
}
function on(e, n, t) {
  let r = t.v, o = t.w;
  n.hasEdge(r, o) || (r = t.w, o = t.v);
  let i = e.node(r), s = e.node(o), a = i, l = false;
  return i.lim > s.lim && (a = s, l = true), n.edges().filter((d) => l === Ze(e, e.node(d.v), a) && l !== Ze(e, e.node(d.w), a)).reduce((d, c) => A(n, c) < A(n, d) ? c : d);
}
function sn(e, n, t, r) {
  let o = t.v, i = t.w;
  e.removeEdge(o, i), e.setEdge(r.v, r.w, {}), pe(e), ge(e, n), kt(e, n);
}
function kt(e, n) {
  let t = e.nodes().find((o) => !e.node(o).parent);
  if (!t) return;
  let r = Nt(e, [t]);
  r = r.slice(1), r.forEach((o) => {
    let s = e.node(o).parent, a = n.edge(o, s), l = false;
    a || (a = n.edge(s, o), l = true), n.node(o).rank = n.node(s).rank + (l ? a.minlen : -a.minlen);
  });
}
function xt(e, n, t) {
  return e.hasEdge(n, t);
}
function Ze(e, n, t) {
  return t.low <= n.lim && n.lim <= t.lim;
}
var dn = _t;
function _t(e) {
  let n = e.graph().ranker;
  if (typeof n == "function") return n(e);
  switch (n) {
    case "network-simplex":
      an(e);
      break;
    case "tight-tree":
      Ct(e);
      break;
    case "longest-path":
      Ot(e);
      break;
    case "none":
      break;
    default:
      an(e);
  }
}
var Ot = U;
function Ct(e) {
  U(e), ne(e);
}
function an(e) {
  en(e);
}
var ln = Tt;
function Tt(e) {
  let n = Rt(e), t = e.graph();
  if (!Array.isArray(t.dummyChains)) return;
  t.dummyChains.forEach((o) => {
    let i = e.node(o), s = i.edgeObj, a = jt(e, n, s.v, s.w), l = a.path, u = a.lca, d = 0, c = l[d], f = true;
    for (; o !== s.w; ) {
      if (i = e.node(o), f) {
        for (; (c = l[d]) !== u && e.node(c).maxRank < i.rank; ) d++;
        c === u && (f = false);
      }
      if (!f) {
        for (; d < l.length - 1 && e.node(l[d + 1]).minRank <= i.rank; ) d++;
        c = l[d];
      }
      c !== void 0 && e.setParent(o, c), o = e.successors(o)[0];
    }
  });
}
function jt(e, n, t, r) {
  let o = [], i = [], s = Math.min(n[t].low, n[r].low), a = Math.max(n[t].lim, n[r].lim), l;
  l = t;
  do
    l = e.parent(l), o.push(l);
  while (l && (n[l].low > s || a > n[l].lim));
  let u = l, d = r;
  for (; (d = e.parent(d)) !== u; ) i.push(d);
  return { path: o.concat(i.reverse()), lca: u };
}
function Rt(e) {
  let n = {}, t = 0;
  function r(o) {
    let i = t;
    e.children(o).forEach(r), n[o] = { low: i, lim: t++ };
  }
  return e.children(V).forEach(r), n;
}
function un(e) {
  let n = M(e, "root", {}, "_root"), t = It(e), r = Object.values(t), o = S(Math.max, r) - 1, i = 2 * o + 1;
  e.graph().nestingRoot = n, e.edges().forEach((a) => e.edge(a).minlen *= i);
  let s = St(e) + 1;
  e.children(V).forEach((a) => {
    cn(e, n, i, s, o, t, a);
  }), e.graph().nodeRankFactor = i;
}
function cn(e, n, t, r, o, i, s) {
  var c;
  let a = e.children(s);
  if (!a.length) {
    s !== n && e.setEdge(n, s, { weight: 0, minlen: t });
    return;
  }
  let l = ae(e, "_bt"), u = ae(e, "_bb"), d = e.node(s);
  e.setParent(l, s), d.borderTop = l, e.setParent(u, s), d.borderBottom = u, a.forEach((f) => {
    var b;
    cn(e, n, t, r, o, i, f);
    let h = e.node(f), g = h.borderTop ? h.borderTop : f, m = h.borderBottom ? h.borderBottom : f, L = h.borderTop ? r : 2 * r, y = g !== m ? 1 : o - ((b = i[s]) != null ? b : 0) + 1;
    e.setEdge(l, g, { weight: L, minlen: y, nestingEdge: true }), e.setEdge(m, u, { weight: L, minlen: y, nestingEdge: true });
  }), e.parent(s) || e.setEdge(n, l, { weight: 0, minlen: o + ((c = i[s]) != null ? c : 0) });
}
function It(e) {
  let n = {};
  function t(r, o) {
    let i = e.children(r);
    i && i.length && i.forEach((s) => t(s, o + 1)), n[r] = o;
  }
  return e.children(V).forEach((r) => t(r, 1)), n;
}
function St(e) {
  return e.edges().reduce((n, t) => n + e.edge(t).weight, 0);
}
function fn(e) {
  let n = e.graph();
  e.removeNode(n.nestingRoot), delete n.nestingRoot, e.edges().forEach((t) => {
    e.edge(t).nestingEdge && e.removeEdge(t);
  });
}
var bn = Pt;
function Pt(e) {
  function n(t) {
    let r = e.children(t), o = e.node(t);
    if (r.length && r.forEach(n), o && Object.hasOwn(o, "minRank")) {
      o.borderLeft = [], o.borderRight = [];
      for (let i = o.minRank, s = o.maxRank + 1; i < s; ++i) hn(e, "borderLeft", "_bl", t, o, i), hn(e, "borderRight", "_br", t, o, i);
    }
  }
  e.children(V).forEach(n);
}
function hn(e, n, t, r, o, i) {
  let s = { width: 0, height: 0, rank: i, borderType: n }, a = o[n][i - 1], l = M(e, "border", s, t);
  o[n][i] = l, e.setParent(l, r), a && e.setEdge(a, l, { weight: 1 });
}
function pn(e) {
  var t;
  let n = (t = e.graph().rankdir) == null ? void 0 : t.toLowerCase();
  (n === "lr" || n === "rl") && En(e);
}
function mn(e) {
  var t;
  let n = (t = e.graph().rankdir) == null ? void 0 : t.toLowerCase();
  (n === "bt" || n === "rl") && Ft(e), (n === "lr" || n === "rl") && (Dt(e), En(e));
}
function En(e) {
  e.nodes().forEach((n) => gn(e.node(n))), e.edges().forEach((n) => gn(e.edge(n)));
}
function gn(e) {
  let n = e.width;
  e.width = e.height, e.height = n;
}
function Ft(e) {
  e.nodes().forEach((n) => me(e.node(n))), e.edges().forEach((n) => {
    var r;
    let t = e.edge(n);
    (r = t.points) == null || r.forEach(me), Object.hasOwn(t, "y") && me(t);
  });
}
function me(e) {
  e.y = -e.y;
}
function Dt(e) {
  e.nodes().forEach((n) => Ee(e.node(n))), e.edges().forEach((n) => {
    var r;
    let t = e.edge(n);
    (r = t.points) == null || r.forEach(Ee), Object.hasOwn(t, "x") && Ee(t);
  });
}
function Ee(e) {
  let n = e.x;
  e.x = e.y, e.y = n;
}
function Le(e, n = null) {
  let t = {}, r = e.nodes().filter((d) => !e.children(d).length), o = r.map((d) => e.node(d).rank), i = S(Math.max, o), s = D(i + 1).map(() => []);
  function a(d) {
    if (t[d]) return;
    t[d] = true;
    let c = e.node(d);
    s[c.rank].push(d);
    let f = e.successors(d);
    f && [...f].sort((g, m) => u(g, m)).forEach(a);
  }
  r.sort((d, c) => e.node(d).rank - e.node(c).rank).forEach(a);
  function u(d, c) {
    let f = e.node(d), h = e.node(c);
    return ee(n, f, h);
  }
  return s;
}
function ye(e, n) {
  let t = 0;
  for (let r = 1; r < n.length; ++r) t += Vt(e, n[r - 1], n[r]);
  return t;
}
function Vt(e, n, t) {
  let r = He(t, t.map((u, d) => d)), o = n.flatMap((u) => {
    let d = e.outEdges(u);
    return d ? d.map((c) => ({ pos: r[c.w], weight: e.edge(c).weight })).sort((c, f) => c.pos - f.pos) : [];
  }), i = 1;
  for (; i < t.length; ) i <<= 1;
  let s = 2 * i - 1;
  i -= 1;
  let a = new Array(s).fill(0), l = 0;
  return o.forEach((u) => {
    let d = u.pos + i;
    a[d] += u.weight;
    let c = 0;
    for (; d > 0; ) d % 2 && (c += a[d + 1]), d = d - 1 >> 1, a[d] += u.weight;
    l += u.weight * c;
  }), l;
}
function we(e, n = []) {
  return n.map((t) => {
    let r = e.inEdges(t);
    if (!r || !r.length) return { v: t };
    {
      let o = r.reduce((i, s) => {
        let a = e.edge(s), l = e.node(s.v);
        return { sum: i.sum + a.weight * l.order, weight: i.weight + a.weight };
      }, { sum: 0, weight: 0 });
      return { v: t, barycenter: o.sum / o.weight, weight: o.weight };
    }
  });
}
function Ne(e, n) {
  let t = {};
  e.forEach((o, i) => {
    let s = { indegree: 0, in: [], out: [], vs: [o.v], i };
    o.barycenter !== void 0 && (s.barycenter = o.barycenter, s.weight = o.weight), t[o.v] = s;
  }), n.edges().forEach((o) => {
    let i = t[o.v], s = t[o.w];
    i !== void 0 && s !== void 0 && (s.indegree++, i.out.push(s));
  });
  let r = Object.values(t).filter((o) => !o.indegree);
  return Yt(r);
}
function Yt(e) {
  let n = [];
  function t(o) {
    return (i) => {
      i.merged || (i.barycenter === void 0 || o.barycenter === void 0 || i.barycenter >= o.barycenter) && Bt(o, i);
    };
  }
  function r(o) {
    return (i) => {
      i.in.push(o), --i.indegree === 0 && e.push(i);
    };
  }
  for (; e.length; ) {
    let o = e.pop();
    n.push(o), o.in.reverse().forEach(t(o)), o.out.forEach(r(o));
  }
  return n.filter((o) => !o.merged).map((o) => W(o, ["vs", "i", "barycenter", "weight"]));
}
function Bt(e, n) {
  let t = 0, r = 0;
  e.weight && (t += e.barycenter * e.weight, r += e.weight), n.weight && (t += n.barycenter * n.weight, r += n.weight), e.vs = n.vs.concat(e.vs), e.barycenter = t / r, e.weight = r, e.i = Math.min(n.i, e.i), n.merged = true;
}
function Ge(e, n, t, r, o) {
  let i = {}, s = null, a = null, l = o;
  typeof n == "boolean" ? (l = n, i = {}) : n && (i = n, s = t != null ? t : null, a = r != null ? r : null);
  let u = ze(e, (y) => Object.hasOwn(y, "barycenter")), d = u.lhs, c = u.rhs.sort((y, b) => b.i - y.i), f = [], h = 0, g = 0, m = 0;
  d.sort(Wt(a, s, !!l));
  for (let [y, b] of Object.entries(i)) {
    let p = d.findIndex((E) => E.vs[0] === y);
    d.splice(p + 1, 0, b);
  }
  m = Ln(f, c, m), d.forEach((y) => {
    m += y.vs.length, f.push(y.vs), h += y.barycenter * y.weight, g += y.weight, m = Ln(f, c, m);
  });
  let L = { vs: f.flat(1) };
  return g && (L.barycenter = h / g, L.weight = g), L;
}
function Ln(e, n, t) {
  let r;
  for (; n.length && (r = n[n.length - 1]).i <= t; ) n.pop(), e.push(r.vs), t++;
  return t;
}
function Wt(e, n, t) {
  return (r, o) => {
    if (r.barycenter < o.barycenter) return -1;
    if (r.barycenter > o.barycenter) return 1;
    if (e && (typeof r.vs[0] == "string" || typeof o.vs[0] == "string")) {
      let i = e.node(r.vs[0]), s = e.node(o.vs[0]), a = ee(n, i, s);
      if (a !== 0) return a;
    }
    return t ? o.i - r.i : r.i - o.i;
  };
}
function te(e, n, t, r, o) {
  var y, b, p, E, w, k, _, O, j, R, I;
  let i = null, s = o;
  typeof r == "boolean" ? (s = r, i = null) : r !== void 0 && (i = r);
  let a = e.children(n), l = e.node(n), u = l ? l.borderLeft : void 0, d = l ? l.borderRight : void 0, c = {};
  u && (a = a.filter((v) => v !== u && v !== d));
  let f = we(e, a);
  f.forEach((v) => {
    if (e.children(v.v).length) {
      let { result: x } = te(e, v.v, t, i, s);
      c[v.v] = x, Object.hasOwn(x, "barycenter") && zt(v, x);
    }
  });
  let h = Ne(f, t);
  Xt(h, c);
  let g = {}, m = false;
  for (let v = 0; v < h.length; v++) for (let x = v + 1; x < h.length; x++) if (!(!h[v] || !h[x] || !((y = h[v]) != null && y.barycenter) || !((b = h[x]) != null && b.barycenter)) && ((p = h[v]) == null ? void 0 : p.barycenter) === h[x].barycenter) {
    let G = (w = (E = h[v]) == null ? void 0 : E.vs[0]) != null ? w : "", N = (_ = (k = h[x]) == null ? void 0 : k.vs[0]) != null ? _ : "", C = e.node(G), B = e.node(N);
    if (C.dummy === "edge" && B.dummy === "edge" && ((O = C.edgeObj) == null ? void 0 : O.v) === ((j = B.edgeObj) == null ? void 0 : j.v) && ((R = C.edgeObj) == null ? void 0 : R.w) === ((I = B.edgeObj) == null ? void 0 : I.w)) if (C.edgeLabel.reversed) {
      g[N] = h[v], h.splice(v, 1), v--;
      break;
    } else g[G] || (g[G] = h[x], h.splice(x, 1), x--);
    else m = true;
  }
  let L = Ge(h, g, i, e, s);
  if (u && d) {
    L.vs = [u, L.vs, d].flat(1);
    let v = e.predecessors(u);
    if (v && v.length) {
      let x = e.node(v[0]), G = e.predecessors(d), N = e.node(G[0]);
      Object.hasOwn(L, "barycenter") || (L.barycenter = 0, L.weight = 0), L.barycenter = (L.barycenter * L.weight + x.order + N.order) / (L.weight + 2), L.weight += 2;
    }
  }
  return Object.defineProperty(L, "result", { value: L, enumerable: false, configurable: true, writable: true }), Object.defineProperty(L, "usedBias", { value: m, enumerable: false, configurable: true, writable: true }), L;
}
function Xt(e, n) {
  e.forEach((t) => {
    t.vs = t.vs.flatMap((r) => n[r] ? n[r].vs : r);
  });
}
function zt(e, n) {
  e.barycenter !== void 0 ? (e.barycenter = (e.barycenter * e.weight + n.barycenter * n.weight) / (e.weight + n.weight), e.weight += n.weight) : (e.barycenter = n.barycenter, e.weight = n.weight);
}
function ve(e, n, t, r) {
  r || (r = e.nodes());
  let o = Ht(e), i = new T({ compound: true }).setGraph({ root: o }).setDefaultNodeLabel((s) => e.node(s));
  return r.forEach((s) => {
    let a = e.node(s), l = e.parent(s);
    if (a.rank === n || a.minRank <= n && n <= a.maxRank) {
      i.setNode(s), i.setParent(s, l || o);
      let u = e[t](s);
      u && u.forEach((d) => {
        let c = d.v === s ? d.w : d.v, f = i.edge(c, s), h = f !== void 0 ? f.weight : 0;
        i.setEdge(c, s, { weight: e.edge(d).weight + h });
      }), Object.hasOwn(a, "minRank") && i.setNode(s, { borderLeft: a.borderLeft[n], borderRight: a.borderRight[n] });
    }
  }), i;
}
function Ht(e) {
  let n;
  for (; e.hasNode(n = $("_root")); ) ;
  return n;
}
function ke(e, n, t) {
  let r = {}, o;
  t.forEach((i) => {
    let s = e.parent(i), a, l;
    for (; s; ) {
      if (a = e.parent(s), a ? (l = r[a], r[a] = s) : (l = o, o = s), l && l !== s) {
        n.setEdge(l, s);
        return;
      }
      s = a;
    }
  });
}
function re(e, n = {}, t = null) {
  if (typeof n.customOrder == "function") {
    n.customOrder(e, re);
    return;
  }
  let r = de(e), o = yn(e, D(1, r + 1), "inEdges"), i = yn(e, D(r - 1, -1, -1), "outEdges"), s = Le(e, t);
  if (wn(e, s), n.disableOptimalOrderHeuristic) return;
  let a = Number.POSITIVE_INFINITY, l, u = n.constraints || [];
  for (let d = 0, c = 0; c < 4; ++d, ++c) {
    qt(d % 2 ? o : i, d % 4 >= 2, u, t), s = P(e);
    let f = ye(e, s);
    f < a ? (c = 0, l = Object.assign({}, s), a = f) : f === a && (l = structuredClone(s));
  }
  wn(e, l);
}
function yn(e, n, t) {
  let r = /* @__PURE__ */ new Map(), o = (i, s) => {
    r.has(i) || r.set(i, []), r.get(i).push(s);
  };
  for (let i of e.nodes()) {
    let s = e.node(i);
    if (typeof s.rank == "number" && o(s.rank, i), typeof s.minRank == "number" && typeof s.maxRank == "number") for (let a = s.minRank; a <= s.maxRank; a++) a !== s.rank && o(a, i);
  }
  return n.map(function(i) {
    return ve(e, i, t, r.get(i) || []);
  });
}
function qt(e, n, t, r) {
  let o = true, i = new T();
  e.forEach(function(s) {
    t.forEach((d) => i.setEdge(d.left, d.right));
    let a = s.graph().root, { result: l, usedBias: u } = te(s, a, i, r, o);
    n && u && (o = !o), l.vs.forEach((d, c) => s.node(d).order = c), ke(s, i, l.vs);
  });
}
function wn(e, n) {
  Object.values(n).forEach((t) => t.forEach((r, o) => e.node(r).order = o));
}
function $t(e, n) {
  let t = {};
  function r(o, i) {
    let s = 0, a = 0, l = o.length, u = i[i.length - 1];
    return i.forEach((d, c) => {
      let f = Jt(e, d), h = f ? e.node(f).order : l;
      (f || d === u) && (i.slice(a, c + 1).forEach((g) => {
        let m = e.predecessors(g);
        m && m.forEach((L) => {
          let y = e.node(L), b = y.order;
          (b < s || h < b) && !(y.dummy && e.node(g).dummy) && Gn(t, L, g);
        });
      }), a = c + 1, s = h);
    }), i;
  }
  return n.length && n.reduce(r), t;
}
function Ut(e, n) {
  let t = {};
  function r(a) {
    var l;
    return ((l = e.node(a)) == null ? void 0 : l.dummy) === "border";
  }
  if (!e.nodes().some(r)) return t;
  function i(a, l, u, d, c) {
    D(l, u).forEach((f) => {
      let h = a[f];
      if (h !== void 0 && e.node(h).dummy) {
        let g = e.predecessors(h);
        g && g.forEach((m) => {
          if (m === void 0) return;
          let L = e.node(m);
          L.dummy && (L.order < d || L.order > c) && Gn(t, m, h);
        });
      }
    });
  }
  function s(a, l) {
    let u = -1, d = -1, c = 0;
    return l.forEach((f, h) => {
      if (r(f)) {
        let g = e.predecessors(f);
        if (g && g.length) {
          let m = g[0];
          if (m === void 0) return;
          d = e.node(m).order, i(l, c, h, u, d), c = h, u = d;
        }
      }
      i(l, c, l.length, d, a.length);
    }), l;
  }
  return n.length && n.reduce(s), t;
}
function Jt(e, n) {
  if (e.node(n).dummy) {
    let t = e.predecessors(n);
    if (t) return t.find((r) => e.node(r).dummy);
  }
}
function Gn(e, n, t) {
  if (n > t) {
    let o = n;
    n = t, t = o;
  }
  let r = e[n];
  r || (e[n] = r = {}), r[t] = true;
}
function Kt(e, n, t) {
  if (n > t) {
    let o = n;
    n = t, t = o;
  }
  let r = e[n];
  return r !== void 0 && Object.hasOwn(r, t);
}
function Qt(e, n, t, r, o) {
  let i = {}, s = {}, a = {};
  return n.forEach((l) => {
    l.forEach((u, d) => {
      i[u] = u, s[u] = u, a[u] = d;
    });
  }), n.forEach((l) => {
    let u = -1, d = -1, c = false, f = l, h = l.findIndex((g) => (o == null ? void 0 : o.includes(g)) || Nn(g, e, o));
    h > 0 && (f = [l[h], ...l.slice(0, h), ...l.slice(h + 1)], c = true), f.forEach((g) => {
      var L;
      let m = r(g);
      if (m && m.length) {
        o != null && o.includes(g) && (m = m.filter((p) => Nn(p, e, o)));
        let y = m.sort((p, E) => {
          let w = a[p], k = a[E];
          return (w !== void 0 ? w : 0) - (k !== void 0 ? k : 0);
        }), b = (y.length - 1) / 2;
        for (let p = Math.floor(b), E = Math.ceil(b); p <= E; ++p) {
          let w = y[p];
          if (w === void 0) continue;
          let k = a[w];
          if (k !== void 0 && s[g] === g && u < k && a[w] !== d && !Kt(t, g, w)) {
            let _ = i[w];
            _ !== void 0 && (s[w] = g, s[g] = i[g] = _, u = k, c && (u = -1, d = (L = a[w]) != null ? L : -1, c = false));
          }
        }
      }
    });
  }), { root: i, align: s };
}
function Zt(e, n, t, r, o = false) {
  let i = {}, s = er(e, n, t, o), a = o ? "borderLeft" : "borderRight";
  function l(h, g) {
    let m = s.nodes().slice(), L = {}, y = m.pop();
    for (; y; ) {
      if (L[y]) h(y);
      else {
        L[y] = true, m.push(y);
        for (let b of g(y)) m.push(b);
      }
      y = m.pop();
    }
  }
  function u(h) {
    let g = s.inEdges(h);
    g ? i[h] = g.reduce((m, L) => {
      var p;
      let y = (p = i[L.v]) != null ? p : 0, b = s.edge(L);
      return Math.max(m, y + (b !== void 0 ? b : 0));
    }, 0) : i[h] = 0;
  }
  function d(h) {
    let g = s.outEdges(h), m = Number.POSITIVE_INFINITY;
    g && (m = g.reduce((y, b) => {
      let p = i[b.w], E = s.edge(b);
      return Math.min(y, (p !== void 0 ? p : 0) - (E !== void 0 ? E : 0));
    }, Number.POSITIVE_INFINITY));
    let L = e.node(h);
    m !== Number.POSITIVE_INFINITY && L.borderType !== a && (i[h] = Math.max(i[h] !== void 0 ? i[h] : 0, m));
  }
  function c(h) {
    return s.predecessors(h) || [];
  }
  function f(h) {
    return s.successors(h) || [];
  }
  return l(u, c), l(d, f), Object.keys(r).forEach((h) => {
    var m;
    let g = t[h];
    g !== void 0 && (i[h] = (m = i[g]) != null ? m : 0);
  }), i;
}
function er(e, n, t, r) {
  let o = new T(), i = e.graph(), s = or(i.nodesep, i.edgesep, r);
  return n.forEach((a) => {
    let l;
    a.forEach((u) => {
      let d = t[u];
      if (d !== void 0) {
        if (o.setNode(d), l !== void 0) {
          let c = t[l];
          if (c !== void 0) {
            let f = o.edge(c, d);
            o.setEdge(c, d, Math.max(s(e, u, l), f || 0));
          }
        }
        l = u;
      }
    });
  }), o;
}
function nr(e, n) {
  return Object.values(n).reduce((t, r) => {
    let o = Number.NEGATIVE_INFINITY, i = Number.POSITIVE_INFINITY;
    Object.entries(r).forEach(([a, l]) => {
      let u = ir(e, a) / 2;
      o = Math.max(l + u, o), i = Math.min(l - u, i);
    });
    let s = o - i;
    return s < t[0] && (t = [s, r]), t;
  }, [Number.POSITIVE_INFINITY, null])[1];
}
function tr(e, n) {
  let t = Object.values(n), r = S(Math.min, t), o = S(Math.max, t);
  ["u", "d"].forEach((i) => {
    ["l", "r"].forEach((s) => {
      let a = i + s, l = e[a];
      if (!l || l === n) return;
      let u = Object.values(l), d = r - S(Math.min, u);
      s !== "l" && (d = o - S(Math.max, u)), d && (e[a] = X(l, (c) => c + d));
    });
  });
}
function rr(e, n = void 0) {
  let t = e.ul;
  return t ? X(t, (r, o) => {
    var s, a;
    if (n) {
      let l = n.toLowerCase(), u = e[l];
      if (u && u[o] !== void 0) return u[o];
    }
    let i = Object.values(e).map((l) => {
      let u = l[o];
      return u !== void 0 ? u : 0;
    }).sort((l, u) => l - u);
    return (((s = i[1]) != null ? s : 0) + ((a = i[2]) != null ? a : 0)) / 2;
  }) : {};
}
function vn(e, n) {
  let t = P(e), r = Object.assign($t(e, t), Ut(e, t)), o = {}, i;
  ["u", "d"].forEach((a) => {
    i = a === "u" ? t : Object.values(t).reverse(), ["l", "r"].forEach((l) => {
      l === "r" && (i = i.map((f) => Object.values(f).reverse()));
      let d = Qt(e, i, r, (f) => (a === "u" ? e.predecessors(f) : e.successors(f)) || [], n), c = Zt(e, i, d.root, d.align, l === "r");
      l === "r" && (c = X(c, (f) => -f)), o[a + l] = c;
    });
  });
  let s = nr(e, o);
  return tr(o, s), rr(o, e.graph().align);
}
function or(e, n, t) {
  return (r, o, i) => {
    let s = r.node(o), a = r.node(i), l = 0, u;
    if (l += s.width / 2, Object.hasOwn(s, "labelpos")) switch (s.labelpos.toLowerCase()) {
      case "l":
        u = -s.width / 2;
        break;
      case "r":
        u = s.width / 2;
        break;
    }
    if (u && (l += t ? u : -u), u = void 0, l += (s.dummy ? n : e) / 2, l += (a.dummy ? n : e) / 2, l += a.width / 2, Object.hasOwn(a, "labelpos")) switch (a.labelpos.toLowerCase()) {
      case "l":
        u = a.width / 2;
        break;
      case "r":
        u = -a.width / 2;
        break;
    }
    return u && (l += t ? u : -u), l;
  };
}
function ir(e, n) {
  return e.node(n).width;
}
function Nn(e, n, t) {
  var s;
  if (!t) return false;
  let r = (s = n.node(e)) == null ? void 0 : s.edgeObj;
  if (!r || n.node(e).edgeLabel.reversed) return false;
  let o = t.indexOf(r == null ? void 0 : r.v), i = t.indexOf(r == null ? void 0 : r.w);
  return o !== -1 && i !== -1 && o === (i + 1) % t.length || o === (i - 1) % t.length;
}
function kn(e, n) {
  e = Z(e), sr(e), Object.entries(vn(e, n)).forEach(([t, r]) => e.node(t).x = r);
}
function sr(e) {
  let n = P(e), t = e.graph(), r = t.ranksep, o = t.rankalign, i = 0;
  n.forEach((s) => {
    let a = s.reduce((l, u) => {
      var c;
      let d = (c = e.node(u).height) != null ? c : 0;
      return l > d ? l : d;
    }, 0);
    s.forEach((l) => {
      let u = e.node(l);
      o === "top" ? u.y = i + u.height / 2 : o === "bottom" ? u.y = i + a - u.height / 2 : u.y = i + a / 2;
    }), i += a + r;
  });
}
var xn = /* @__PURE__ */ new WeakMap();
function Oe(e, n = {}) {
  return In(e, q, n), e;
}
function _n(e, n, t) {
  let r = n;
  for (; r !== void 0; ) {
    let o = e.parent(r);
    if (o === t) return r;
    r = o;
  }
}
function In(e, n, t) {
  var y;
  let r = e.nodes().filter((b) => e.children(b).length), o = {};
  r.forEach((b) => {
    let p = e.node(b);
    if (p && p.rankdir) {
      let E = new T({ multigraph: true, compound: true });
      E.setGraph({ rankdir: p.rankdir });
      let w = e.children(b);
      w.forEach((G) => {
        let N = { ...e.node(G) };
        E.setNode(G, N);
        let C = e.parent(G);
        C && C !== b && w.includes(C) && E.setParent(G, C);
      });
      let k = /* @__PURE__ */ new Set();
      e.edges().forEach((G) => {
        let N = _n(e, G.v, b), C = _n(e, G.w, b);
        if (N === G.v && C === G.w) E.setEdge(G, { ...e.edge(G) });
        else if (N && C && N !== C) {
          let B = `${N}\0${C}`;
          k.has(B) || (k.add(B), E.setEdge(N, C, { ...e.edge(G) }));
        }
      }), In(E, n, t);
      let _ = Rn(E);
      Cn(_, n, t, null), Tn(E, _);
      let O = 1 / 0, j = 1 / 0, R = -1 / 0, I = -1 / 0;
      E.nodes().forEach((G) => {
        if (G === b) return;
        let N = E.node(G);
        N && typeof N.x == "number" && typeof N.y == "number" && typeof N.width == "number" && typeof N.height == "number" && (O = Math.min(O, N.x - N.width / 2), R = Math.max(R, N.x + N.width / 2), j = Math.min(j, N.y - N.height / 2), I = Math.max(I, N.y + N.height / 2));
      }), (!isFinite(O) || !isFinite(j) || !isFinite(R) || !isFinite(I)) && (O = j = 0, R = I = 0);
      let v = R - O, x = I - j;
      o[b] = { minX: O, minY: j, maxX: R, maxY: I, width: v, height: x, offsetX: O, offsetY: j }, p._dagreClusterSubgraph = E;
    }
  });
  let i = [], s = (b) => {
    let p = [], E = (e.children(b) || []).filter((w) => w !== b);
    for (; E.length > 0; ) {
      let w = E.shift();
      p.push(w), (e.children(w) || []).filter((k) => k !== w).forEach((k) => E.push(k));
    }
    return p;
  }, a = /* @__PURE__ */ new Map();
  r.forEach((b) => {
    let p = e.node(b);
    p && p.rankdir && o[b] && a.set(b, (e.children(b) || []).filter((E) => E !== b));
  });
  let l = new Set([...a.values()].flat()), u = /* @__PURE__ */ new Map();
  a.forEach((b, p) => {
    l.has(p) || u.set(p, s(p));
  });
  let d = new Set([...u.values()].flat()), c = (b) => {
    for (let [p, E] of u) if (E.includes(b)) return p;
    return b;
  }, f = [];
  e.edges().forEach((b) => {
    (d.has(b.v) || d.has(b.w)) && f.push({ edge: b, label: e.edge(b) });
  });
  let h = /* @__PURE__ */ new Map();
  d.forEach((b) => {
    let p = e.parent(b);
    h.set(b, typeof p == "string" ? p : void 0);
  }), u.forEach((b, p) => {
    let E = e.node(p), w = [];
    b.forEach((O) => {
      let j = e.node(O);
      j && (w.push({ id: O, node: j, parent: h.get(O) }), e.removeNode(O));
    });
    let k = f.filter(({ edge: O }) => b.includes(O.v) || b.includes(O.w)), _ = o[p];
    E && (i.push({ clusterId: p, subgraph: E._dagreClusterSubgraph, bounds: _, children: b, removedNodes: w, removedEdges: k }), E.width = _.width, E.height = _.height);
  });
  let g = /* @__PURE__ */ new Set();
  f.forEach(({ edge: b, label: p }) => {
    let E = c(b.v), w = c(b.w);
    if (E !== w && e.hasNode(E) && e.hasNode(w)) {
      let k = `${E}\0${w}`;
      g.has(k) || (g.add(k), e.setEdge(E, w, { ...p, width: 0, height: 0 }));
    }
  });
  let m = Rn(e), L = Cn(m, n, t, (y = xn.get(e)) != null ? y : null);
  xn.set(e, L), Tn(e, m), g.forEach((b) => {
    let p = b.indexOf("\0"), E = b.slice(0, p), w = b.slice(p + 1);
    e.hasEdge(E, w) && e.removeEdge(E, w);
  }), i.forEach(({ clusterId: b, subgraph: p, bounds: E, removedNodes: w, removedEdges: k }) => {
    var v, x;
    let _ = e.node(b), O = (v = _ == null ? void 0 : _.x) != null ? v : 0, j = (x = _ == null ? void 0 : _.y) != null ? x : 0, R = (E.minX + E.maxX) / 2, I = (E.minY + E.maxY) / 2;
    w.forEach(({ id: G, node: N, parent: C }) => {
      e.setNode(G, N), C !== void 0 && e.setParent(G, C);
    }), k.forEach(({ edge: G, label: N }) => {
      e.setEdge(G, N);
    }), p.nodes().forEach((G) => {
      if (G === b) return;
      let N = p.node(G), C = e.node(G);
      C && N && typeof N.x == "number" && typeof N.y == "number" && (C.x = O + (N.x - R), C.y = j + (N.y - I));
    }), On(e, p, O - R, j - I), delete _._dagreClusterSubgraph;
  }), r.forEach((b) => {
    var w, k;
    let p = e.node(b), E = o[b];
    if (p && p.rankdir && p._dagreClusterSubgraph && E) {
      let _ = p._dagreClusterSubgraph, O = (w = p.x) != null ? w : 0, j = (k = p.y) != null ? k : 0, R = (E.minX + E.maxX) / 2, I = (E.minY + E.maxY) / 2;
      _.nodes().forEach((v) => {
        if (v === b) return;
        let x = _.node(v), G = e.node(v);
        if (G && x && typeof x.x == "number" && typeof x.y == "number") {
          let N = x.x - R, C = x.y - I;
          G.x = O + N, G.y = j + C;
        }
      }), On(e, _, O - R, j - I), delete p._dagreClusterSubgraph;
    }
  });
}
function On(e, n, t, r) {
  n.edges().forEach((o) => {
    if (!e.hasEdge(o)) return;
    let i = n.edge(o), s = e.edge(o);
    s.points = i.points.map((a) => ({ x: a.x + t, y: a.y + r })), Object.hasOwn(i, "x") && (s.x = i.x + t, s.y = i.y + r);
  });
}
function Cn(e, n, t, r = null) {
  var l, u;
  let o = (t == null ? void 0 : t.useDynamic) !== false, i = o && (l = r == null ? void 0 : r.graph) != null ? l : null, s = o && (u = r == null ? void 0 : r.rawNodes) != null ? u : null;
  n("    makeSpaceForEdgeLabels", () => br(e)), n("    removeSelfEdges", () => Gr(e)), n("    acyclic", () => Ue(e, i)), n("    nestingGraph.run", () => un(e)), n("    rank", () => dn(Z(e))), n("    injectEdgeLabelProxies", () => gr(e)), n("    removeEmptyRanks", () => We(e)), n("    nestingGraph.cleanup", () => fn(e)), n("    normalizeRanks", () => Be(e)), n("    assignRankMinMax", () => pr(e)), n("    removeEdgeLabelProxies", () => mr(e)), n("    normalize.run", () => Ke(e)), n("    parentDummyChains", () => ln(e)), n("    addBorderSegments", () => bn(e)), n("    order", () => re(e, t, s)), n("    insertSelfEdges", () => vr(e)), n("    adjustCoordinateSystem", () => pn(e)), n("    position", () => kn(e, t.corePath)), n("    positionSelfEdges", () => kr(e));
  let a = JSON.parse(JSON.stringify(e._nodes));
  return n("    removeBorderNodes", () => Nr(e)), n("    normalize.undo", () => Qe(e)), n("    fixupEdgeLabelCoords", () => yr(e)), n("    undoCoordinateSystem", () => mn(e)), n("    translateGraph", () => Er(e)), n("    assignNodeIntersects", () => Lr(e)), n("    reversePoints", () => wr(e)), n("    acyclic.undo", () => Je(e)), { graph: e, rawNodes: a };
}
function Tn(e, n) {
  e.nodes().forEach((t) => {
    let r = e.node(t), o = n.node(t);
    r && (r.x = o.x, r.y = o.y, r.order = o.order, r.rank = o.rank, n.children(t).length && (r.width = o.width, r.height = o.height));
  }), e.edges().forEach((t) => {
    let r = e.edge(t), o = n.edge(t);
    r.points = o.points, Object.hasOwn(o, "x") && (r.x = o.x, r.y = o.y);
  }), e.graph().width = n.graph().width, e.graph().height = n.graph().height;
}
var ar = ["nodesep", "edgesep", "ranksep", "marginx", "marginy"];
var dr = { ranksep: 50, edgesep: 20, nodesep: 50, rankdir: "TB", rankalign: "center" };
var lr = ["acyclicer", "ranker", "rankdir", "align", "rankalign"];
var ur = ["width", "height", "rank"];
var jn = { width: 0, height: 0 };
var cr = ["minlen", "weight", "width", "height", "labeloffset"];
var fr = { minlen: 1, weight: 1, width: 0, height: 0, labeloffset: 10, labelpos: "r" };
var hr = ["labelpos"];
function Rn(e) {
  let n = new T({ multigraph: true, compound: true }), t = _e(e.graph());
  return n.setGraph(Object.assign({}, dr, xe(t, ar), W(t, lr))), e.nodes().forEach((r) => {
    let o = _e(e.node(r)), i = xe(o, ur);
    Object.keys(jn).forEach((a) => {
      i[a] === void 0 && (i[a] = jn[a]);
    }), n.setNode(r, i);
    let s = e.parent(r);
    s !== void 0 && n.setParent(r, s);
  }), e.edges().forEach((r) => {
    let o = _e(e.edge(r));
    n.setEdge(r, Object.assign({}, fr, xe(o, cr), W(o, hr)));
  }), n;
}
function br(e) {
  let n = e.graph();
  n.ranksep /= 2, e.edges().forEach((t) => {
    var o;
    let r = e.edge(t);
    r.minlen *= 2, ((o = r.labelpos) != null ? o : "r").toLowerCase() !== "c" && (n.rankdir === "TB" || n.rankdir === "BT" ? r.width += r.labeloffset : r.height += r.labeloffset);
  });
}
function gr(e) {
  e.edges().forEach((n) => {
    let t = e.edge(n);
    if (t.width && t.height) {
      let r = e.node(n.v), i = { rank: (e.node(n.w).rank - r.rank) / 2 + r.rank, e: n };
      M(e, "edge-proxy", i, "_ep");
    }
  });
}
function pr(e) {
  let n = 0;
  e.nodes().forEach((t) => {
    let r = e.node(t);
    r.borderTop && (r.minRank = e.node(r.borderTop).rank, r.maxRank = e.node(r.borderBottom).rank, n = Math.max(n, r.maxRank));
  }), e.graph().maxRank = n;
}
function mr(e) {
  e.nodes().forEach((n) => {
    let t = e.node(n);
    if (t.dummy === "edge-proxy") {
      let r = t;
      e.edge(r.e).labelRank = t.rank, e.removeNode(n);
    }
  });
}
function Er(e) {
  let n = Number.POSITIVE_INFINITY, t = 0, r = Number.POSITIVE_INFINITY, o = 0, i = e.graph(), s = i.marginx || 0, a = i.marginy || 0;
  function l(u) {
    let d = u.x, c = u.y, f = u.width, h = u.height;
    n = Math.min(n, d - f / 2), t = Math.max(t, d + f / 2), r = Math.min(r, c - h / 2), o = Math.max(o, c + h / 2);
  }
  e.nodes().forEach((u) => l(e.node(u))), e.edges().forEach((u) => {
    let d = e.edge(u);
    Object.hasOwn(d, "x") && l(d);
  }), n -= s, r -= a, e.nodes().forEach((u) => {
    let d = e.node(u);
    d.x -= n, d.y -= r;
  }), e.edges().forEach((u) => {
    let d = e.edge(u);
    d.points.forEach((c) => {
      c.x -= n, c.y -= r;
    }), Object.hasOwn(d, "x") && (d.x -= n), Object.hasOwn(d, "y") && (d.y -= r);
  }), i.width = t - n + s, i.height = o - r + a;
}
function Lr(e) {
  e.edges().forEach((n) => {
    if (n.v === n.w) return;
    let t = e.edge(n), r = e.node(n.v), o = e.node(n.w), i, s;
    t.points ? (i = t.points[0], s = t.points[t.points.length - 1]) : (t.points = [], i = o, s = r), t.points.unshift(se(r, i)), t.points.push(se(o, s));
  });
}
function yr(e) {
  e.edges().forEach((n) => {
    let t = e.edge(n);
    if (Object.hasOwn(t, "x")) switch ((t.labelpos === "l" || t.labelpos === "r") && (t.width -= t.labeloffset), t.labelpos) {
      case "l":
        t.x -= t.width / 2 + t.labeloffset;
        break;
      case "r":
        t.x += t.width / 2 + t.labeloffset;
        break;
    }
  });
}
function wr(e) {
  e.edges().forEach((n) => {
    let t = e.edge(n);
    t.reversed && t.points.reverse();
  });
}
function Nr(e) {
  e.nodes().forEach((n) => {
    if (e.children(n).length) {
      let t = e.node(n), r = e.node(t.borderTop), o = e.node(t.borderBottom), i = e.node(t.borderLeft[t.borderLeft.length - 1]), s = e.node(t.borderRight[t.borderRight.length - 1]);
      t.width = Math.abs(s.x - i.x), t.height = Math.abs(o.y - r.y), t.x = i.x + t.width / 2, t.y = r.y + t.height / 2;
    }
  }), e.nodes().forEach((n) => {
    e.node(n).dummy === "border" && e.removeNode(n);
  });
}
function Gr(e) {
  e.edges().forEach((n) => {
    if (n.v === n.w) {
      let t = e.node(n.v);
      t.selfEdges || (t.selfEdges = []), t.selfEdges.push({ e: n, label: e.edge(n) }), e.removeEdge(n);
    }
  });
}
function vr(e) {
  P(e).forEach((t) => {
    let r = 0;
    t.forEach((o, i) => {
      let s = e.node(o);
      typeof s.rank != "number" && (s.rank = 0), s.order = i + r, (s.selfEdges || []).forEach((a) => {
        M(e, "selfedge", { width: a.label.width, height: a.label.height, rank: s.rank, order: i + ++r, e: a.e, edgeLabel: a.label }, "_se"), (!Array.isArray(a.label.points) || a.label.points.length !== 7) && (a.label.points = [{ x: 0, y: -10 }, { x: 0, y: -10 }, { x: 0, y: 0 }, { x: 0, y: 10 }, { x: 0, y: 10 }, { x: 0, y: 0 }, { x: 0, y: 0 }]);
      }), delete s.selfEdges;
    });
  });
}
function kr(e) {
  e.nodes().forEach((n) => {
    let t = e.node(n), r = (o) => typeof o == "number" && isFinite(o);
    if (t.dummy === "selfedge") {
      let o = t, i = e.node(o.e.v), s = r(i == null ? void 0 : i.x) ? i.x : 0, a = r(i == null ? void 0 : i.y) ? i.y : 0, l = r(i == null ? void 0 : i.width) ? i.width : 0, u = r(i == null ? void 0 : i.height) ? i.height : 0, d = r(t.x) ? t.x : s, c = r(t.y) ? t.y : a, f = l / 2, h = u / 2;
      o.edgeLabel.points = [{ x: d + f, y: c - h }, { x: d + f, y: c - h }, { x: d, y: c }, { x: d - f, y: c + h }, { x: d - f, y: c + h }, { x: d, y: c }, { x: d, y: c }], o.edgeLabel.x = d, o.edgeLabel.y = c, e.setEdge(o.e, o.edgeLabel), e.removeNode(n);
    } else t && Array.isArray(t.selfEdges) && t.selfEdges.forEach((o) => {
      if (!Array.isArray(o.label.points) || o.label.points.length !== 7) {
        let i = r(t.x) ? t.x : 0, s = r(t.y) ? t.y : 0, a = r(t.width) ? t.width : 0, l = r(t.height) ? t.height : 0, u = a / 2, d = l / 2;
        o.label.points = [{ x: i + u, y: s - d }, { x: i + u, y: s - d }, { x: i, y: s }, { x: i - u, y: s + d }, { x: i - u, y: s + d }, { x: i, y: s }, { x: i, y: s }];
      }
    });
  });
}
function xe(e, n) {
  return X(W(e, n), Number);
}
function _e(e) {
  let n = {};
  return e && Object.entries(e).forEach(([t, r]) => {
    typeof t == "string" && (t = t.toLowerCase()), n[t] = r;
  }), n;
}
function Ce(e) {
  let n = P(e), t = new T({ compound: true, multigraph: true }).setGraph({});
  return e.nodes().forEach((r) => {
    t.setNode(r, { label: r }), t.setParent(r, "layer" + e.node(r).rank);
  }), e.edges().forEach((r) => t.setEdge(r.v, r.w, {}, r.name)), n.forEach((r, o) => {
    let i = "layer" + o;
    t.setNode(i, { rank: "same" }), r.reduce((s, a) => (t.setEdge(s, a, { style: "invis" }), a));
  }), t;
}
var xr = { graphlib: ie, version: ue, layout: Oe, debug: Ce, util: { time: le, notime: q } };
var Uo = xr;

// src/docs/markup.ts
var ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};
function escapeText(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
function markdown(text2) {
  if (!text2) return "";
  const out = [];
  let list = [];
  let paragraph = [];
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(" "))}</p>`);
    if (list.length > 0) out.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join("")}</ul>`);
    paragraph = [];
    list = [];
  };
  for (const line of text2.split(/\r?\n/)) {
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (line.trim() === "") flush();
    else if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]);
    } else if (list.length > 0 && /^\s+\S/.test(line)) list[list.length - 1] += ` ${line.trim()}`;
    else {
      if (list.length > 0) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return out.join("");
}
function inline(text2) {
  return escapeText(text2).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|[\s(])_([^_]+)_(?=[\s).,;:!?]|$)/g, "$1<em>$2</em>");
}
function summaryOf(text2, maxChars = 160) {
  if (!text2) return "";
  const flat = text2.replace(/\*\*([^*]+)\*\*/g, "$1").replace(/`([^`]+)`/g, "$1").replace(/\s+/g, " ").trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
  return sentence.length > maxChars ? `${sentence.slice(0, maxChars - 1)}…` : sentence;
}

// src/docs/lineage.ts
var CHAR_WIDTH = 7.2;
var NODE_HEIGHT = 30;
var PADDING = 14;
function lineageSvg(nodes, edges, options) {
  const graph = new Uo.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 72, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, {
      width: Math.ceil(node.label.length * CHAR_WIDTH) + 2 * PADDING,
      height: NODE_HEIGHT
    });
  }
  const known = new Set(nodes.map((n) => n.id));
  const drawn = edges.filter(([from, to]) => known.has(from) && known.has(to));
  for (const [from, to] of drawn) graph.setEdge(from, to);
  Uo.layout(graph);
  const { width = 0, height = 0 } = graph.graph();
  const boxes = new Map(nodes.map((node) => [node.id, graph.node(node.id)]));
  const columns2 = columnsOf([...boxes.values()]);
  const parts = [];
  for (const [from, to] of drawn) {
    const points = graph.edge(from, to)?.points ?? [];
    const d = route(boxes.get(from), boxes.get(to), points.slice(1, -1), columns2);
    parts.push(
      `<path class="edge" data-edge="${escapeText(`${from}->${to}`)}" d="${d}" marker-end="url(#arrow)"/>`
    );
  }
  for (const node of nodes) {
    const box = boxes.get(node.id);
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    const focus = node.id === options.focus ? " focus" : "";
    parts.push(
      `<a href="${escapeText(node.href)}" class="node ${node.kind}${focus}" data-node="${escapeText(node.id)}"><title>${escapeText(`${node.kind} ${node.label}`)}</title><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${box.width}" height="${box.height}" rx="6"/><text x="${box.x.toFixed(1)}" y="${(box.y + 4).toFixed(1)}" text-anchor="middle">${escapeText(node.label)}</text></a>`
    );
  }
  return `<svg class="lineage" role="img" aria-label="${escapeText(options.title)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>` + parts.join("") + `</svg>`;
}
function columnsOf(boxes) {
  const byX = /* @__PURE__ */ new Map();
  for (const box of boxes) {
    const key = box.x.toFixed(1);
    const column = byX.get(key) ?? { left: Infinity, right: -Infinity };
    column.left = Math.min(column.left, box.x - box.width / 2);
    column.right = Math.max(column.right, box.x + box.width / 2);
    byX.set(key, column);
  }
  return [...byX.values()].sort((a, b) => a.left - b.left);
}
function route(from, to, between, columns2) {
  const columnAt = (x) => columns2.find((c) => x >= c.left - 0.5 && x <= c.right + 0.5);
  const fromColumn = columnAt(from.x);
  const toColumn = columnAt(to.x);
  const spans = [
    [
      { x: from.x + from.width / 2, y: from.y },
      { x: fromColumn.right, y: from.y }
    ]
  ];
  for (const point of between) {
    const column = columnAt(point.x);
    if (!column || column === fromColumn || column === toColumn) continue;
    spans.push([
      { x: column.left, y: point.y },
      { x: column.right, y: point.y }
    ]);
  }
  spans.push([
    { x: toColumn.left, y: to.y },
    { x: to.x - to.width / 2, y: to.y }
  ]);
  const f = (p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  let d = `M${f(spans[0][0])}`;
  spans.forEach(([enter, leave], i) => {
    if (i > 0) {
      const previous = spans[i - 1][1];
      const middle = (previous.x + enter.x) / 2;
      d += ` C${f({ x: middle, y: previous.y })} ${f({ x: middle, y: enter.y })} ${f(enter)}`;
    }
    if (leave.x - enter.x > 0.05) d += ` L${f(leave)}`;
  });
  return d;
}

// src/docs/style.ts
var STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: var(--fg); background: #fff; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; gap: 24px; align-items: baseline; padding: 12px 24px; background: #24292f; }
header.top a { color: #fff; }
header.top .home { font-weight: 600; font-size: 16px; }
header.top nav { display: flex; gap: 14px; flex-wrap: wrap; }
header.top nav a { color: #d1d9e0; }
main { padding: 8px 24px 24px; max-width: 1400px; }
footer { padding: 12px 24px; color: var(--muted); border-top: 1px solid var(--line); font-size: 12px; }
h1 { font-size: 24px; margin: 16px 0 8px; }
h2 { font-size: 18px; margin: 24px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
code, pre { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
code { background: rgba(129,139,152,.12); padding: .1em .35em; border-radius: 4px; }
h1 code { font-size: 22px; background: none; padding: 0; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td p, .description p { margin: 0 0 6px; }
td p:last-child { margin-bottom: 0; }
.meta, .crumbs, .from, .none { color: var(--muted); }
.notice { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 12px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.status { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; white-space: nowrap;
  border: 1px solid transparent; }
.status.pass { background: #dafbe1; color: #116329; border-color: #aceebb; }
.status.warn { background: #fff8c5; color: #7d4e00; border-color: #eac54f; }
.status.fail, .status.error { background: #ffebe9; color: #a40e26; border-color: #ffcecb; }
.status.skipped, .status.not-run { background: var(--bg); color: var(--muted); border-color: var(--line); }
.personal { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; white-space: nowrap;
  background: #fff1e5; color: #953800; border: 1px solid #ffc680; margin-left: 4px; }
.personal-reason { color: #953800; font-size: 12.5px; }
.kind { font-size: 12px; font-weight: 500; padding: 1px 8px; border-radius: 10px; vertical-align: middle; }
.kind.model { background: #ddf4ff; color: #0550ae; }
.kind.source { background: #fbefff; color: #8250df; }
.kind.seed { background: #fff1e5; color: #953800; }
.graph { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); padding: 8px; }
svg.lineage { display: block; font: 12px ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
svg.lineage .edge { fill: none; stroke: #8c959f; stroke-width: 1.3; }
svg.lineage marker path { fill: #8c959f; }
svg.lineage .node rect { fill: #fff; stroke: #0969da; stroke-width: 1.2; }
svg.lineage .node.source rect { stroke: #8250df; fill: #fbefff; }
svg.lineage .node.seed rect { stroke: #bc4c00; fill: #fff1e5; }
svg.lineage .node.focus rect { fill: #0969da; stroke: #0550ae; stroke-width: 2; }
svg.lineage .node.focus text { fill: #fff; font-weight: 600; }
svg.lineage .node text { fill: var(--fg); }
svg.lineage a:hover rect { stroke-width: 2.4; }
`;

// src/docs/site.ts
var GENERATOR = "amplitude-pipeline docs";
var CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
var FOLDERS = { model: "models", source: "sources", seed: "seeds" };
function renderSite(catalog) {
  const paths = pagePaths(catalog);
  const pages = /* @__PURE__ */ new Map();
  pages.set("index.html", indexPage(catalog, paths));
  for (const [schema, ids] of catalog.schemas) {
    pages.set(paths.schema(schema), schemaPage(catalog, schema, ids, paths));
  }
  for (const node of catalog.nodes.values()) pages.set(paths.node(node.id), nodePage(catalog, node, paths));
  return pages;
}
function pagePaths(catalog) {
  const taken = /* @__PURE__ */ new Set();
  const unique = (folder, name) => {
    const base = `${folder}/${name.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_") || "_"}`;
    let path = `${base}.html`;
    for (let n = 2; taken.has(path.toLowerCase()); n += 1) path = `${base}-${n}.html`;
    taken.add(path.toLowerCase());
    return path;
  };
  const nodes = /* @__PURE__ */ new Map();
  for (const node of [...catalog.nodes.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    nodes.set(node.id, unique(FOLDERS[node.kind], node.name));
  }
  const schemas = /* @__PURE__ */ new Map();
  for (const schema of catalog.schemas.keys()) schemas.set(schema, unique("schemas", schema));
  return {
    node: (id) => nodes.get(id),
    schema: (name) => schemas.get(name),
    link(from, to) {
      const up = from.split("/").length - 1;
      return encodeURI("../".repeat(up) + to);
    }
  };
}
function page(options) {
  const { catalog, paths, path } = options;
  const nav = [...catalog.schemas.keys()].map((schema) => `<a href="${escapeText(paths.link(path, paths.schema(schema)))}">${escapeText(schema)}</a>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${GENERATOR}">
<title>${escapeText(options.title)} · data dictionary</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><a class="home" href="${escapeText(paths.link(path, "index.html"))}">Data dictionary</a><nav>${nav}</nav></header>
<main>
${options.body}
</main>
<footer>Built ${escapeText(when(catalog.generatedAt))} from ${escapeText(catalog.projectRoot)}${catalog.warehouseUrl ? ` and ${escapeText(catalog.warehouseUrl)}` : ""}.</footer>
</body>
</html>
`;
}
function when(iso) {
  if (!iso) return "";
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
function hoursText(hours) {
  if (hours === void 0) return "";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}
function status(test) {
  return test.result?.status ?? "not run";
}
function badge(state, label = state) {
  return `<span class="status ${escapeText(state.replace(/\s+/g, "-"))}">${escapeText(label)}</span>`;
}
function resultsLine(catalog) {
  if (!catalog.results)
    return `<p class="notice">${escapeText(catalog.resultsNote ?? "Tests have not run yet.")}</p>`;
  const at2 = catalog.results.at ? `, run of ${when(catalog.results.at)}` : "";
  return `<p class="meta">Test results: the last run, from <code>${escapeText(catalog.results.from)}</code>${escapeText(at2)}.</p>`;
}
function warehouseLine(catalog) {
  if (catalog.warehouseUrl)
    return `<p class="meta">Column types and source freshness: <code>${escapeText(catalog.warehouseUrl)}</code>.</p>`;
  return `<p class="notice">${escapeText(catalog.warehouseNote ?? "No warehouse was read: column types come from the yml.")}</p>`;
}
function allTests(node) {
  return [...node.tests, ...node.columns.flatMap((c) => c.tests)];
}
function distinctTests(nodes) {
  const byName = /* @__PURE__ */ new Map();
  for (const node of nodes) for (const test of allTests(node)) byName.set(test.name.toLowerCase(), test);
  return [...byName.values()];
}
var PERSONAL_TITLE = "Personal data: marked pii in the model's yml";
function personalBadge(reason) {
  return `<span class="personal" title="${escapeText(reason ? `Personal data: ${reason}` : PERSONAL_TITLE)}">personal data</span>`;
}
function personalMarker(node) {
  const count2 = node.columns.filter((c) => c.personal).length;
  if (count2 === 0) return "";
  return ` <span class="personal" title="${escapeText(`${count2} personal column${count2 === 1 ? "" : "s"}`)}">personal data</span>`;
}
function testCounts(tests) {
  if (tests.length === 0) return `<span class="none">no tests</span>`;
  const counts = /* @__PURE__ */ new Map();
  for (const test of tests) counts.set(status(test), (counts.get(status(test)) ?? 0) + 1);
  const order = ["fail", "error", "warn", "pass", "skipped", "not run"];
  return order.filter((s) => counts.has(s)).map((s) => badge(s, `${counts.get(s)} ${s}`)).join(" ");
}
function lineageNodes(catalog, ids, from, paths) {
  return [...ids].sort().map((id) => {
    const node = catalog.nodes.get(id);
    return {
      id,
      label: node.relation,
      kind: node.kind,
      href: paths.link(from, paths.node(id))
    };
  });
}
function edgesWithin(catalog, ids) {
  const edges = [];
  for (const id of [...ids].sort()) {
    for (const parent of catalog.nodes.get(id).parents) if (ids.has(parent)) edges.push([parent, id]);
  }
  return edges;
}
function indexPage(catalog, paths) {
  const path = "index.html";
  const nodes = [...catalog.nodes.values()];
  const tests = distinctTests(nodes);
  const schemaRows = [...catalog.schemas].map(([schema, ids]) => {
    const kinds2 = (kind) => ids.filter((id) => catalog.nodes.get(id).kind === kind).length;
    return `<tr><td><a href="${escapeText(paths.link(path, paths.schema(schema)))}">${escapeText(schema)}</a></td><td class="n">${kinds2("model")}</td><td class="n">${kinds2("source")}</td><td class="n">${kinds2("seed")}</td></tr>`;
  });
  const sources = nodes.filter((n) => n.freshness);
  const freshnessRows = sources.map((node) => {
    const f = node.freshness;
    return `<tr><td><a href="${escapeText(paths.link(path, paths.node(node.id)))}">${escapeText(node.relation)}</a></td>${freshnessCells(f)}</tr>`;
  });
  const objectRows = nodes.sort((a, b) => a.relation.localeCompare(b.relation)).map(
    (node) => `<tr><td><a href="${escapeText(paths.link(path, paths.node(node.id)))}">${escapeText(node.relation)}</a>${personalMarker(node)}</td><td>${escapeText(node.kind)}</td><td>${escapeText(summaryOf(node.description))}</td><td>${testCounts(allTests(node))}</td></tr>`
  );
  const all = new Set(catalog.nodes.keys());
  const body = `<h1>Data dictionary</h1>
${resultsLine(catalog)}
${warehouseLine(catalog)}
<p class="totals">${nodes.filter((n) => n.kind === "model").length} models, ${nodes.filter((n) => n.kind === "source").length} sources, ${nodes.filter((n) => n.kind === "seed").length} seeds; tests: ${testCounts(tests)}</p>
<h2>Schemas</h2>
<table><thead><tr><th>schema</th><th>models</th><th>sources</th><th>seeds</th></tr></thead><tbody>${schemaRows.join("")}</tbody></table>
<h2>Source freshness</h2>
${freshnessRows.length > 0 ? `<table><thead><tr><th>source</th><th>loaded_at field</th><th>newest load</th><th>age</th><th>warn after</th><th>error after</th><th>status</th></tr></thead><tbody>${freshnessRows.join("")}</tbody></table>` : `<p class="none">No source declares a loaded_at_field.</p>`}
<h2>Lineage</h2>
<div class="graph">${lineageSvg(lineageNodes(catalog, all, path, paths), edgesWithin(catalog, all), { title: "lineage of every model, source and seed" })}</div>
<h2>Every model, source and seed</h2>
<table><thead><tr><th>relation</th><th>kind</th><th>description</th><th>tests</th></tr></thead><tbody>${objectRows.join("")}</tbody></table>`;
  return page({ title: "Index", path, catalog, paths, body });
}
function freshnessCells(f) {
  const latest = f.latest === void 0 ? "unknown" : f.latest === null ? "no rows" : when(f.latest);
  const label = {
    fresh: "fresh",
    warn: "stale (warn)",
    error: "stale (error)",
    empty: "empty",
    unknown: "unknown"
  }[f.status];
  const state = {
    fresh: "pass",
    warn: "warn",
    error: "fail",
    empty: f.errorAfterHours === void 0 ? "warn" : "fail",
    unknown: "not-run"
  }[f.status];
  return `<td><code>${escapeText(f.loadedAtField)}</code></td><td>${escapeText(latest)}</td><td class="n">${escapeText(hoursText(f.ageHours))}</td><td class="n">${escapeText(hoursText(f.warnAfterHours))}</td><td class="n">${escapeText(f.errorAfterHours === void 0 ? "none" : hoursText(f.errorAfterHours))}</td><td>${badge(state, label)}</td>`;
}
function schemaPage(catalog, schema, ids, paths) {
  const path = paths.schema(schema);
  const rows = ids.map((id) => {
    const node = catalog.nodes.get(id);
    return `<tr><td><a href="${escapeText(paths.link(path, paths.node(id)))}">${escapeText(node.relation)}</a>${personalMarker(node)}</td><td>${escapeText(node.kind)}${node.materialized ? ` (${escapeText(node.materialized)})` : ""}</td><td class="n">${node.columns.length}</td><td>${escapeText(summaryOf(node.description))}</td><td>${testCounts(allTests(node))}</td></tr>`;
  });
  const body = `<p class="crumbs"><a href="${escapeText(paths.link(path, "index.html"))}">Index</a> › schema</p>
<h1>Schema <code>${escapeText(schema)}</code></h1>
<table><thead><tr><th>relation</th><th>kind</th><th>columns</th><th>description</th><th>tests</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return page({ title: `schema ${schema}`, path, catalog, paths, body });
}
function related(catalog, start, next) {
  const seen = /* @__PURE__ */ new Set();
  const stack = [...next(catalog.nodes.get(start))];
  while (stack.length > 0) {
    const id = stack.pop();
    if (seen.has(id) || !catalog.nodes.has(id)) continue;
    seen.add(id);
    stack.push(...next(catalog.nodes.get(id)));
  }
  return seen;
}
function nodePage(catalog, node, paths) {
  const path = paths.node(node.id);
  const link = (id) => {
    const other = catalog.nodes.get(id);
    return `<a href="${escapeText(paths.link(path, paths.node(id)))}">${escapeText(other.relation)}</a>`;
  };
  const upstream = related(catalog, node.id, (n) => n.parents);
  const downstream = related(catalog, node.id, (n) => n.children);
  const inGraph = /* @__PURE__ */ new Set([node.id, ...upstream, ...downstream]);
  const facts = [
    ["kind", escapeText(node.kind)],
    ["relation", `<code>${escapeText(node.relation)}</code>`]
  ];
  if (node.materialized) facts.push(["materialized", escapeText(node.materialized)]);
  if (node.uniqueKey && node.uniqueKey.length > 0)
    facts.push(["unique key", node.uniqueKey.map((k) => `<code>${escapeText(k)}</code>`).join(", ")]);
  if (node.tags && node.tags.length > 0) facts.push(["tags", node.tags.map(escapeText).join(", ")]);
  const personal = node.columns.filter((c) => c.personal);
  if (personal.length > 0) {
    facts.push(["personal data", personal.map((c) => `<code>${escapeText(c.name)}</code>`).join(", ")]);
  }
  facts.push([
    "defined in",
    `<code>${escapeText(node.file)}</code>${node.ymlFile && node.ymlFile !== node.file ? `, docs in <code>${escapeText(node.ymlFile)}</code>` : ""}`
  ]);
  facts.push([
    "in the warehouse",
    node.built === void 0 ? "not read" : node.built ? "built" : `${badge("warn", "not built")}`
  ]);
  if (node.lastRun) {
    facts.push([
      "last run",
      `${badge(node.lastRun.status === "success" ? "pass" : node.lastRun.status === "skipped" ? "skipped" : "error", node.lastRun.status)}${node.lastRun.rows === null || node.lastRun.rows === void 0 ? "" : ` ${escapeText(node.lastRun.rows.toLocaleString("en-US"))} rows`}${node.lastRun.message ? ` — ${escapeText(node.lastRun.message)}` : ""}`
    ]);
  }
  const columnRows = node.columns.map((column) => {
    const type = column.type ? `<code>${escapeText(column.type)}</code>${column.typeFrom === "yml" ? ' <span class="from">(yml)</span>' : ""}` : "";
    const missing = column.inWarehouse === false ? ` ${badge("warn", "not in the warehouse")}` : "";
    const tests = column.tests.map((t) => badge(status(t), `${t.kind}: ${status(t)}`)).join(" ");
    const personal2 = column.personal ? ` ${personalBadge(column.personal.reason)}` : "";
    const reason = column.personal?.reason ? `<p class="personal-reason">Personal data: ${escapeText(column.personal.reason)}</p>` : "";
    return `<tr><td><code>${escapeText(column.name)}</code>${personal2}${missing}</td><td>${type}</td><td>${markdown(column.description)}${reason}</td><td>${tests}</td></tr>`;
  });
  const testRows = allTests(node).map((test) => {
    const result = test.result;
    return `<tr data-test="${escapeText(test.name)}"><td><code>${escapeText(test.name)}</code></td><td>${test.column ? `<code>${escapeText(test.column)}</code>` : ""}</td><td>${escapeText(result?.severity ?? test.severity)}</td><td>${badge(status(test))}</td><td class="n">${result ? escapeText(result.failures) : ""}</td><td>${escapeText(result?.message ?? "")}</td><td><code>${escapeText(test.declaredIn)}</code></td></tr>`;
  });
  const list = (ids) => ids.size === 0 ? `<span class="none">none</span>` : [...ids].sort().map(link).join(", ");
  const body = `<p class="crumbs"><a href="${escapeText(paths.link(path, "index.html"))}">Index</a> › <a href="${escapeText(paths.link(path, paths.schema(node.schema)))}">${escapeText(node.schema)}</a> › ${escapeText(node.kind)}</p>
<h1><code>${escapeText(node.relation)}</code> <span class="kind ${escapeText(node.kind)}">${escapeText(node.kind)}</span></h1>
<div class="description">${markdown(node.description) || `<p class="none">No description.</p>`}</div>
<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeText(k)}</dt><dd>${v}</dd>`).join("")}</dl>
${node.freshness ? `<h2>Freshness</h2><table><thead><tr><th>loaded_at field</th><th>newest load</th><th>age</th><th>warn after</th><th>error after</th><th>status</th></tr></thead><tbody><tr>${freshnessCells(node.freshness)}</tr></tbody></table>` : ""}
<h2>Lineage</h2>
<p>Upstream: ${list(upstream)}</p>
<p>Downstream: ${list(downstream)}</p>
<div class="graph">${lineageSvg(lineageNodes(catalog, inGraph, path, paths), edgesWithin(catalog, inGraph), { focus: node.id, title: `lineage of ${node.relation}` })}</div>
<h2>Columns</h2>
${columnRows.length > 0 ? `<table class="columns"><thead><tr><th>column</th><th>type</th><th>description</th><th>tests</th></tr></thead><tbody>${columnRows.join("")}</tbody></table>` : `<p class="none">No columns are documented${node.built === void 0 ? " and no warehouse was read" : ""}.</p>`}
<h2>Tests</h2>
${catalog.results ? "" : `<p class="notice">${escapeText(catalog.resultsNote ?? "Tests have not run yet.")}</p>`}
${testRows.length > 0 ? `<table class="tests"><thead><tr><th>test</th><th>column</th><th>severity</th><th>status</th><th>failures</th><th>message</th><th>declared in</th></tr></thead><tbody>${testRows.join("")}</tbody></table>` : `<p class="none">No tests.</p>`}
${node.sql ? `<h2>SQL</h2><details><summary><code>${escapeText(node.file)}</code></summary><pre>${escapeText(node.sql)}</pre></details>` : ""}`;
  return page({ title: node.relation, path, catalog, paths, body });
}

// src/docs/write-site.ts
import { randomBytes } from "node:crypto";
import { readdir as readdir4, readFile as readFile4, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join as join4, resolve } from "node:path";
var SITE_MANIFEST = "site.json";
async function writeSiteAtomically(outDir, pages, manifest) {
  const target = resolve(outDir);
  await checkReplaceable(outDir, target);
  const parent = dirname(target);
  await makeFolder(parent).catch((error) => {
    throw new ConfigurationError(
      `--out ${outDir}: the folder ${parent} cannot be created (${errorMessage(error)}): choose a folder you can write`
    );
  });
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = join4(parent, `.${basename(target)}.new-${suffix}`);
  const old = join4(parent, `.${basename(target)}.old-${suffix}`);
  try {
    for (const [path, html] of pages) {
      const file = join4(staging, path);
      await makeFolder(dirname(file));
      await writeFile(file, html);
    }
    await writeFile(
      join4(staging, SITE_MANIFEST),
      JSON.stringify({ generator: GENERATOR, ...manifest, pages: [...pages.keys()].sort() }, null, 2) + "\n"
    );
    const exists = await stat(target).then(
      () => true,
      () => false
    );
    if (exists) await rename(target, old);
    try {
      await rename(staging, target);
    } catch (error) {
      if (exists) await rename(old, target);
      throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}
async function checkReplaceable(outDir, target) {
  const info2 = await stat(target).catch(() => void 0);
  if (!info2) return;
  if (!info2.isDirectory()) {
    throw new ConfigurationError(`--out ${outDir} is a file, not a folder: choose a folder for the site`);
  }
  const entries = await readdir4(target);
  if (entries.length === 0) return;
  const manifest = await readFile4(join4(target, SITE_MANIFEST), "utf8").catch(() => "");
  let generator;
  try {
    generator = JSON.parse(manifest).generator;
  } catch {
    generator = void 0;
  }
  if (generator !== GENERATOR) {
    throw new ConfigurationError(
      `--out ${outDir} holds files docs did not write (no ${SITE_MANIFEST} of an earlier build): choose a new or empty folder, e.g. --out data/docs; docs replaces the whole folder`
    );
  }
}

// src/docs/build-docs.ts
async function buildDocs(options, deps = {}) {
  const warn = deps.warn ?? (() => {
  });
  const project = await readProject(options.project);
  const now = deps.now?.() ?? /* @__PURE__ */ new Date();
  let catalog;
  if (deps.warehouse) {
    catalog = await buildCatalog({
      project,
      warehouse: deps.warehouse,
      targetDir: options.targetDir,
      now,
      warn
    });
  } else {
    const note = await unbuiltWarehouse(options.warehouse);
    if (note !== void 0 || !options.warehouse) {
      catalog = await buildCatalog({ project, warehouseNote: note, targetDir: options.targetDir, now, warn });
    } else {
      const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
        command: "docs",
        create: false,
        env: deps.env,
        warn
      });
      try {
        catalog = await buildCatalog({ project, warehouse, targetDir: options.targetDir, now, warn });
      } finally {
        await release();
      }
    }
  }
  const pages = renderSite(catalog);
  const nodes = [...catalog.nodes.values()];
  const tests = distinctTests(nodes);
  await writeSiteAtomically(options.out, pages, {
    generated_at: catalog.generatedAt,
    warehouse: catalog.warehouseUrl ?? null,
    results_from: catalog.results?.from ?? null
  });
  const index = join5(options.out, "index.html");
  return {
    outDir: options.out,
    index,
    indexUrl: pathToFileURL(resolve2(index)).href,
    pages: pages.size,
    models: nodes.filter((n) => n.kind === "model").length,
    sources: nodes.filter((n) => n.kind === "source").length,
    seeds: nodes.filter((n) => n.kind === "seed").length,
    tests: tests.length,
    testsWithResults: tests.filter((t) => t.result).length,
    warehouseRead: catalog.warehouseUrl !== void 0,
    resultsFrom: catalog.results?.from,
    notes: [catalog.warehouseNote, catalog.resultsNote].filter((n) => n !== void 0)
  };
}
async function unbuiltWarehouse(url) {
  if (!url) return "No warehouse was given: column types come from the yml's data_type.";
  if (!url.startsWith("duckdb:")) return void 0;
  const { path } = parseDuckDbUrl(url);
  if (path === ":memory:") return `--warehouse ${url} holds nothing to read: column types come from the yml.`;
  const exists = await access(resolve2(path)).then(
    () => true,
    () => false
  );
  return exists ? void 0 : `The warehouse ${url} is not built yet (no file at ${path}): column types come from the yml, and source freshness is unknown. Run \`load\` and \`transform\` (or \`demo\`), then docs again.`;
}

// src/snowflake/pipe-load.ts
var EVENTS_TABLE = "raw.amplitude_events";
var DEFAULT_PIPE_POLL_SECONDS = 15;
var DEFAULT_GRACE_SECONDS = 300;
var DEFAULT_LOOKBACK_DAYS = 14;
var REFRESH_WINDOW_MS = 7 * 24 * 36e5;
var UNCERTAIN_AFTER_MS = 63 * 24 * 36e5;
var SCAN_TIME_UTC = "convert_timezone('UTC', metadata$start_scan_time)::timestamp_ntz";
var CHUNK = 500;
var MAX_REFRESH_PREFIXES = 10;
function pipeLoadFigures(summary2) {
  return {
    files: summary2.files,
    snapshot_files: summary2.snapshotFiles,
    loaded: summary2.loaded,
    pending: summary2.pending.length,
    failed: summary2.failed.length,
    refreshed: summary2.refreshed.length,
    copied: summary2.copied.length
  };
}
var TARGETS = {
  events: {
    pipe: EVENTS_PIPE,
    table: EVENTS_TABLE,
    path: EVENTS_PREFIX,
    copy: (files, uncertain = false) => `copy into ${EVENTS_TABLE} (json_data, source_file, file_row_number, loaded_at)
       from (select $1, metadata$filename, metadata$file_row_number, ${SCAN_TIME_UTC} from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${FILE_FORMAT}') on_error = continue${uncertainOption(uncertain)}`
  },
  manifests: {
    pipe: MANIFESTS_PIPE,
    table: MANIFESTS_TABLE,
    path: MANIFESTS_PREFIX,
    copy: (files, uncertain = false) => `copy into ${MANIFESTS_TABLE} (json_data, source_file, loaded_at)
       from (select $1, metadata$filename, ${SCAN_TIME_UTC} from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${MANIFEST_FILE_FORMAT}') on_error = continue${uncertainOption(uncertain)}`
  },
  snapshots: {
    pipe: SNAPSHOTS_PIPE,
    table: SNAPSHOTS_TABLE,
    // The pipe copies from @stage/amplitude/ with a PATTERN for the four snapshot folders.
    path: "amplitude/",
    copy: (files, uncertain = false) => `copy into ${SNAPSHOTS_TABLE} (object, json_data, source_file, file_row_number, loaded_at)
       from (select split_part(metadata$filename, '/', 2), $1, metadata$filename, metadata$file_row_number,
         ${SCAN_TIME_UTC} from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${FILE_FORMAT}') on_error = skip_file${uncertainOption(uncertain)}`
  }
};
function uncertainOption(uncertain) {
  return uncertain ? " load_uncertain_files = true" : "";
}
async function pipeLoad(options) {
  const { lake, warehouse, reporter, signal } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const sleep = options.sleep ?? realSleep;
  const pollMs = (options.pollSeconds ?? DEFAULT_PIPE_POLL_SECONDS) * 1e3;
  const graceMs = Math.min(options.graceSeconds ?? DEFAULT_GRACE_SECONDS, options.timeoutSeconds / 2) * 1e3;
  const started = now().getTime();
  const lookbackMs = (options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) * 24 * 36e5;
  const mendAfterMs = (options.mendAfterSeconds ?? 0) * 1e3;
  const summary2 = {
    deliveries: 0,
    files: 0,
    alreadyLoaded: 0,
    snapshots: 0,
    snapshotFiles: 0,
    snapshotsAlreadyLoaded: 0,
    loaded: 0,
    pending: [],
    failed: [],
    refreshed: [],
    copied: [],
    pipes: {}
  };
  const apps = await lakeApps(lake);
  const snapshotManifests = [];
  for (const object of SNAPSHOT_OBJECTS) {
    for await (const entry of lake.list(`${MANIFESTS_PREFIX}${object}/`)) {
      const id = parseSnapshotManifestKey(entry.key);
      if (id) {
        const takenAt = Date.parse(isoFromCompactTime(id.takenAt));
        snapshotManifests.push({ key: entry.key, takenAt, fileKey: snapshotFileKey(id) });
      }
    }
  }
  if (apps.length === 0 && snapshotManifests.length === 0) {
    reporter?.warning?.(`${lake.describe("amplitude/_manifests/")} holds no manifests yet: nothing to load`);
    return summary2;
  }
  const recorded = await warehouse.query(`select source_file from ${MANIFESTS_TABLE}`).catch((error) => {
    if (/does not exist|not authorized/i.test(errorMessage(error))) {
      throw new ConfigurationError(
        `${MANIFESTS_TABLE} cannot be read in ${warehouse.url} (${errorMessage(error)}): run \`provision\` first`
      );
    }
    throw error;
  });
  const loadedManifests = new Set(recorded.map((row) => row.source_file));
  const missing = /* @__PURE__ */ new Map();
  const files = /* @__PURE__ */ new Map();
  const addFile = (key, stagedAt) => {
    files.set(key, Math.min(files.get(key) ?? Infinity, stagedAt));
  };
  const recentInRaw = [];
  for (const app of apps) {
    for (const manifest of await listManifestKeys(lake, app)) {
      const uploadedAt = Date.parse(isoFromCompactTime(manifest.uploadedAt));
      const inRaw2 = loadedManifests.has(manifest.key);
      if (inRaw2 && started - uploadedAt > lookbackMs) continue;
      summary2.deliveries += 1;
      if (inRaw2) {
        recentInRaw.push(manifest.key);
        continue;
      }
      missing.set(manifest.key, { kind: "manifests", stagedAt: uploadedAt });
      try {
        const body = await readLakeManifest(lake, manifest.key);
        const stagedAt = Date.parse(body.uploaded_at) || uploadedAt;
        for (const file of body.files) addFile(file.key, stagedAt);
      } catch (error) {
        missing.delete(manifest.key);
        summary2.failed.push({ key: manifest.key, message: errorMessage(error) });
      }
    }
  }
  for (const snapshot of snapshotManifests) {
    const inRaw2 = loadedManifests.has(snapshot.key);
    if (inRaw2 && started - snapshot.takenAt > lookbackMs) continue;
    summary2.snapshots += 1;
    if (inRaw2) {
      recentInRaw.push(snapshot.key);
      continue;
    }
    try {
      const body = await readLakeSnapshotManifest(lake, snapshot.key);
      const stagedAt = Date.parse(body.uploaded_at ?? "") || snapshot.takenAt;
      missing.set(snapshot.key, { kind: "manifests", stagedAt });
      for (const file of body.files) addFile(file.key ?? snapshot.fileKey, stagedAt);
    } catch (error) {
      summary2.failed.push({ key: snapshot.key, message: errorMessage(error) });
    }
  }
  for (const chunk of chunks(recentInRaw)) {
    const rows = await warehouse.query(
      `select source_file, json_data:files as files, json_data:uploaded_at::varchar as uploaded_at
       from ${MANIFESTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`
    );
    for (const row of rows) {
      const stagedAt = Date.parse(String(row.uploaded_at)) || started;
      for (const key of manifestFileKeys(row.files)) addFile(key, stagedAt);
    }
  }
  const eventFiles = [...files.keys()].filter((key) => fileKind(key) === "events");
  const snapshotFiles = [...files.keys()].filter((key) => fileKind(key) === "snapshots");
  summary2.files = eventFiles.length;
  summary2.snapshotFiles = snapshotFiles.length;
  const present = await inRaw(warehouse, EVENTS_TABLE, eventFiles);
  const presentSnapshots = await inRaw(warehouse, SNAPSHOTS_TABLE, snapshotFiles);
  summary2.alreadyLoaded = present.size;
  summary2.snapshotsAlreadyLoaded = presentSnapshots.size;
  for (const [key, stagedAt] of files) {
    const kind = fileKind(key);
    if (!(kind === "events" ? present : presentSnapshots).has(key)) missing.set(key, { kind, stagedAt });
  }
  if (missing.size === 0) return summary2;
  reporter?.waiting?.({
    files: [...missing.values()].filter((m) => m.kind !== "manifests").length,
    manifests: [...missing.values()].filter((m) => m.kind === "manifests").length,
    deliveries: summary2.deliveries,
    snapshots: summary2.snapshots
  });
  const deadline = started + options.timeoutSeconds * 1e3;
  while (true) {
    signal?.throwIfAborted();
    for (const key of await arrived(warehouse, missing)) {
      missing.delete(key);
      summary2.loaded += 1;
    }
    if (missing.size === 0) break;
    for (const kind of kinds(missing)) {
      const target = TARGETS[kind];
      const status2 = await pipeStatus(warehouse, target.pipe);
      summary2.pipes[target.pipe] = status2;
      const waiting = [...missing].filter(([, m]) => m.kind === kind).map(([key]) => key);
      for (const failure of await loadFailures(warehouse, target.table, waiting)) {
        missing.delete(failure.key);
        summary2.failed.push(failure);
      }
      if (status2.executionState !== null && status2.executionState !== "RUNNING") {
        for (const key of waiting.filter((k) => missing.has(k))) {
          missing.delete(key);
          summary2.failed.push({
            key,
            message: `${target.pipe} is ${status2.executionState} (SYSTEM$PIPE_STATUS${status2.error ? `: ${status2.error}` : ""}), so Snowpipe loads nothing into ${target.table}: resume it (alter pipe ${target.pipe} set pipe_execution_paused = false) or provision again, then load again`
          });
        }
        continue;
      }
      if (now().getTime() - started >= graceMs && status2.pendingFileCount === 0) {
        const unmended = [...missing].filter(
          ([, m]) => m.kind === kind && !m.mended && now().getTime() - m.stagedAt >= mendAfterMs
        );
        if (unmended.length > 0) {
          signal?.throwIfAborted();
          for (const failure of await mend(warehouse, target, unmended, now().getTime(), summary2, reporter)) {
            missing.delete(failure.key);
            summary2.failed.push(failure);
          }
          for (const key of await arrived(warehouse, missing)) {
            missing.delete(key);
            summary2.loaded += 1;
          }
        }
      }
    }
    if (missing.size === 0) break;
    if (now().getTime() >= deadline) break;
    await sleep(pollMs);
  }
  summary2.pending = [...missing.keys()].sort();
  for (const pipe of Object.keys(summary2.pipes)) summary2.pipes[pipe] = await pipeStatus(warehouse, pipe);
  return summary2;
}
function kinds(missing) {
  const seen = new Set([...missing.values()].map((m) => m.kind));
  return ["manifests", "events", "snapshots"].filter((kind) => seen.has(kind));
}
function fileKind(key) {
  return key.startsWith(EVENTS_PREFIX) ? "events" : "snapshots";
}
function chunks(items, size = CHUNK) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
function manifestFileKeys(files) {
  const value = typeof files === "string" ? JSON.parse(files) : files;
  if (!Array.isArray(value)) return [];
  return value.map((file) => typeof file === "object" && file !== null ? file.key : void 0).filter((key) => typeof key === "string");
}
async function inRaw(warehouse, table, keys) {
  const present = /* @__PURE__ */ new Set();
  for (const chunk of chunks(keys)) {
    const rows = await warehouse.query(
      `select distinct source_file from ${table} where source_file in (${chunk.map(sqlString).join(", ")})`
    );
    for (const row of rows) present.add(row.source_file);
  }
  return present;
}
async function arrived(warehouse, missing) {
  const of = (kind) => [...missing].filter(([, m]) => m.kind === kind).map(([key]) => key);
  const manifests = of("manifests");
  const found = [
    ...await inRaw(warehouse, EVENTS_TABLE, of("events")),
    ...await inRaw(warehouse, SNAPSHOTS_TABLE, of("snapshots"))
  ];
  for (const chunk of chunks(manifests)) {
    const rows = await warehouse.query(
      `select source_file from ${MANIFESTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`
    );
    found.push(...rows.map((row) => row.source_file));
  }
  return found;
}
async function pipeStatus(warehouse, pipe) {
  const [row] = await warehouse.query(
    `select system$pipe_status(${sqlString(pipe)}) as status`
  );
  const raw = row?.status;
  const parsed = typeof raw === "string" ? JSON.parse(raw) : raw ?? {};
  const error = parsed.error ?? parsed.fault;
  return {
    executionState: typeof parsed.executionState === "string" ? parsed.executionState.toUpperCase() : null,
    pendingFileCount: Number(parsed.pendingFileCount ?? 0),
    ...error ? { error: typeof error === "string" ? error : JSON.stringify(error) } : {}
  };
}
async function loadFailures(warehouse, table, keys) {
  if (keys.length === 0) return [];
  const { schema, name } = upperParts(table);
  const rows = await warehouse.query(
    `select file_name, status, first_error_message, last_load_time
     from table(information_schema.copy_history(
       table_name => ${sqlString(`${schema}.${name}`)},
       start_time => dateadd('hour', -335, current_timestamp())))
     where upper(status) = 'LOAD FAILED'
     order by last_load_time`
  );
  const failures = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const key = keys.find((k) => row.file_name === k || row.file_name.endsWith(`/${k}`));
    if (key) {
      failures.set(
        key,
        `Snowflake could not load it into ${table}: ${String(row.first_error_message ?? row.status)} (COPY_HISTORY). Snowpipe does not retry a file it refused: fix the cause (a damaged object: upload --repair from a backup of its window), then load again`
      );
    }
  }
  return [...failures].map(([key, message]) => ({ key, message }));
}
async function mend(warehouse, target, entries, nowMs, summary2, reporter) {
  const failures = [];
  const recent = entries.filter(([, m]) => nowMs - m.stagedAt < REFRESH_WINDOW_MS).map(([key]) => key);
  const old = entries.filter(([, m]) => nowMs - m.stagedAt >= REFRESH_WINDOW_MS).map(([key]) => key);
  for (const prefix of refreshPrefixes(recent)) {
    const relative3 = prefix.startsWith(target.path) ? prefix.slice(target.path.length) : "";
    const rows = await warehouse.query(
      `alter pipe ${target.pipe} refresh` + (relative3 ? ` prefix = ${sqlString(relative3)}` : "")
    );
    const asked = recent.filter((key) => key.startsWith(prefix));
    summary2.refreshed.push(...asked);
    reporter?.refreshed?.({ pipe: target.pipe, prefix: relative3, files: rows.length });
  }
  for (const [, m] of entries.filter(([key]) => recent.includes(key))) m.mended = "refreshed";
  const uncertain = new Set(
    entries.filter(([, m]) => nowMs - m.stagedAt >= UNCERTAIN_AFTER_MS).map(([key]) => key)
  );
  const batches = [
    ...chunks(old.filter((key) => !uncertain.has(key))).map((files) => ({ files, uncertain: false })),
    ...chunks(old.filter((key) => uncertain.has(key))).map((files) => ({ files, uncertain: true }))
  ];
  for (const { files: chunk, uncertain: older } of batches) {
    const rows = await warehouse.query(
      target.copy(chunk, older)
    );
    summary2.copied.push(...chunk);
    reporter?.copied?.({ table: target.table, files: chunk.length });
    for (const row of rows) {
      const file = row.file === void 0 || row.file === null ? "" : String(row.file);
      const key = chunk.find((k) => file === k || file.endsWith(`/${k}`));
      if (key && String(row.status ?? "").toUpperCase() === "LOAD_FAILED") {
        failures.push({
          key,
          message: `COPY INTO ${target.table} could not load it: ${String(row.first_error ?? "no error given")}`
        });
      }
    }
  }
  for (const [key, m] of entries) {
    if (old.includes(key)) m.mended = "copied";
  }
  return failures;
}
function refreshPrefixes(keys) {
  if (keys.length === 0) return [];
  const folderOf = (key) => key.slice(0, key.lastIndexOf("/") + 1);
  let groups = /* @__PURE__ */ new Map();
  for (const key of keys) groups.set(folderOf(key), [...groups.get(folderOf(key)) ?? [], key]);
  while (groups.size > MAX_REFRESH_PREFIXES) {
    const parents = /* @__PURE__ */ new Map();
    for (const [folder, members] of groups) {
      const parent = folderOf(folder.slice(0, -1));
      parents.set(parent, [...parents.get(parent) ?? [], ...members]);
    }
    if (parents.size === groups.size) break;
    groups = parents;
  }
  return [...groups.values()].map(commonPrefix).sort();
}
function commonPrefix(keys) {
  let prefix = keys[0];
  for (const key of keys.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < key.length && prefix[i] === key[i]) i += 1;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

// src/pipeline/load.ts
function loadFailed(summary2) {
  return "snowflake" in summary2 ? summary2.failed.length > 0 || summary2.pending.length > 0 : summary2.failed.length > 0;
}
function loadFigures(summary2) {
  const { files, rows, bytes, skipped, waiting } = summary2;
  return {
    files,
    rows,
    bytes,
    skipped,
    waiting,
    failed: summary2.failed.length,
    snapshot_files: summary2.snapshots.files,
    snapshot_rows: summary2.snapshots.rows
  };
}
async function loadStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, context.env);
  await lake.check({ create: false });
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "load",
    create: true,
    env: context.env,
    warn: (message) => reporter.warning?.(message)
  });
  try {
    if (warehouse.dialect === "snowflake") return await waitForSnowpipe(lake, warehouse, options, context);
    checkOrigins(
      [await lakeOrigin(lake, options.lake), await warehouseOrigin(warehouse, options.warehouse)],
      "either"
    );
    signal?.throwIfAborted();
    const started = Date.now();
    reporter.started?.({ lakeUrl: lake.url, warehouseUrl: warehouse.url });
    const summary2 = await load({
      lake,
      warehouse,
      signal,
      reporter: {
        batch: (event) => reporter.batch?.(event),
        snapshotBatch: (event) => reporter.snapshotBatch?.(event),
        warning: (message) => reporter.warning?.(message)
      }
    });
    for (const failure of summary2.failed) reporter.fileFailed?.({ ...failure, description: failure.message });
    return {
      summary: summary2,
      figures: loadFigures(summary2),
      lakeUrl: lake.url,
      warehouseUrl: warehouse.url,
      durationMs: Date.now() - started,
      failed: loadFailed(summary2)
    };
  } finally {
    await release();
  }
}
async function waitForSnowpipe(lake, warehouse, options, context) {
  const { reporter = {} } = context;
  const minutes = options.timeoutMinutes ?? DEFAULT_LOAD_TIMEOUT_MINUTES;
  const started = Date.now();
  reporter.waitStarted?.({ lakeUrl: lake.url, warehouseUrl: warehouse.url, minutes });
  const waited = await pipeLoad({
    lake,
    warehouse,
    timeoutSeconds: minutes * 60,
    signal: context.signal,
    sleep: context.sleep,
    reporter: {
      waiting: (event) => reporter.waiting?.(event),
      refreshed: (event) => reporter.refreshed?.(event),
      copied: (event) => reporter.copied?.(event),
      warning: (message) => reporter.warning?.(message)
    }
  });
  for (const failure of waited.failed)
    reporter.fileFailed?.({ ...failure, description: `${failure.key}: ${failure.message}` });
  if (waited.pending.length > 0) reporter.pending?.({ keys: waited.pending, minutes, pipe: EVENTS_PIPE });
  const summary2 = { ...waited, snowflake: true };
  return {
    summary: summary2,
    figures: pipeLoadFigures(waited),
    lakeUrl: lake.url,
    warehouseUrl: warehouse.url,
    minutes,
    pipe: waited.pipes[EVENTS_PIPE],
    durationMs: Date.now() - started,
    failed: loadFailed(summary2)
  };
}

// src/snowflake/graph-run.ts
import { mkdir, writeFile as writeFile2 } from "node:fs/promises";
import { dirname as dirname2, join as join6 } from "node:path";
var TERMINAL_STATES = /* @__PURE__ */ new Set(["SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED", "FAILED_AND_AUTO_SUSPENDED"]);
var RUNNING_STATES = /* @__PURE__ */ new Set(["SCHEDULED", "EXECUTING"]);
var DEFAULT_POLL_SECONDS = 10;
function describeTask(run) {
  const when2 = run.startedAt ? ` started ${run.startedAt}` : "";
  const took = run.seconds === null ? "" : `, ${run.seconds.toFixed(1)} s`;
  const error = [run.errorCode, run.errorMessage].filter(Boolean).join(" ");
  const why = run.message ?? (error ? `${run.state.startsWith("FAILED") ? "error" : "Snowflake says"} ${error}` : "");
  return `${run.state} ${run.task}${when2}${took}${why ? `: ${why}` : ""}`;
}
async function runTaskGraph(options) {
  if (options.warehouse.dialect !== "snowflake") {
    throw new ConfigurationError(`the task graph runs on Snowflake only, not on ${options.warehouse.url}`);
  }
  if (options.select?.trim() && !options.fullRefresh) {
    throw new ConfigurationError(
      `--select ${options.select}: on Snowflake the task graph builds every model; a selection is rebuilt only with --full-refresh (transform --full-refresh --select …)`
    );
  }
  let result;
  if (options.fullRefresh) {
    result = await fullRefresh(options);
  } else {
    const why = await buildsFromSession(options.warehouse, options.project);
    if (why) {
      const built = await fullRefresh(options);
      result = { ...built, notice: [why, built.notice].filter(Boolean).join("; ") };
    } else {
      result = await graphRun(options);
    }
  }
  if (options.targetDir) {
    const path = join6(options.targetDir, "run_results.json");
    await mkdir(dirname2(path), { recursive: true });
    await writeFile2(path, JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}
async function buildsFromSession(warehouse, project) {
  const { compiled } = planProject(project, "snowflake");
  const tables = [...compiled.values()].filter((model) => model.config.materialized !== "view").map((model) => {
    const { schema, name } = upperParts(model.relation);
    return sqlString(`${schema}.${name}`);
  });
  if (tables.length === 0) return null;
  const [row] = await warehouse.query(
    `select
       (select count(*) from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema || '.' || table_name in (${tables.join(", ")})) as built,
       (select count(*) from ${EVENTS_TABLE}) as raw_rows,
       (select count(*) from ${EVENTS_STREAM}) as waiting`
  );
  const built = Number(row?.built ?? 0);
  const rawRows = Number(row?.raw_rows ?? 0);
  const waiting = Number(row?.waiting ?? 0);
  if (rawRows === 0) return null;
  const limit = `a task stops after ${TASK_TIMEOUT_MS / 36e5} hours, a call from here only at the warehouse's statement timeout`;
  if (built === 0) {
    return `first build: no model table exists yet, so every model was built from this session, not by the task graph (${limit})`;
  }
  if (waiting * 2 > rawRows) {
    return `first build: ${waiting} of the ${rawRows} rows of ${EVENTS_TABLE} were never built, so every model was rebuilt from this session, not by the task graph (${limit})`;
  }
  return null;
}
async function graphRun(options) {
  const { warehouse, project, reporter } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const sleep = options.sleep ?? realSleep;
  const pollMs = (options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1e3;
  const plan = planProject(project, "snowflake");
  const started = now();
  const deadline = started.getTime() + options.timeoutSeconds * 1e3;
  const expected = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  const [clock] = await warehouse.query(
    "select date_part(epoch_millisecond, current_timestamp()) as ms"
  );
  const sinceMs = Number(clock?.ms);
  const adoptFromMs = options.adoptRunsSince ? sinceMs - Math.max(0, started.getTime() - options.adoptRunsSince.getTime()) : sinceMs;
  await provisioned(warehouse, `execute task ${ROOT_TASK}`, ROOT_TASK);
  const follow = async (find) => {
    const seen2 = /* @__PURE__ */ new Map();
    const reported2 = /* @__PURE__ */ new Set();
    let root2 = null;
    while (true) {
      options.signal?.throwIfAborted();
      if (root2 === null) {
        root2 = await find();
        if (root2) reporter?.started?.(root2.graphRunId);
      }
      if (root2 !== null) {
        for (const run of await graphRunTasks(warehouse, root2, expected)) seen2.set(run.task, run);
        for (const task of expected) {
          const run = seen2.get(task);
          if (run && TERMINAL_STATES.has(run.state) && !reported2.has(task)) {
            reported2.add(task);
            reporter?.task?.(run);
          }
        }
        if (graphRunDone(seen2)) return { root: root2, seen: seen2, reported: reported2, timedOut: false };
      }
      if (now().getTime() >= deadline) return { root: root2, seen: seen2, reported: reported2, timedOut: true };
      await sleep(pollMs);
    }
  };
  let followed = await follow(() => findRootRun(warehouse, sinceMs));
  let adopted = null;
  const skippedRoot = followed.seen.get(ROOT_TASK);
  if (!followed.timedOut && skippedRoot?.state === "SKIPPED") {
    adopted = await concurrentRun(warehouse, sinceMs, adoptFromMs, followed.root, expected);
    if (adopted) {
      reporter?.adopted?.(adopted);
      const other = adopted;
      followed = await follow(async () => other);
    }
  }
  const { seen, reported, timedOut } = followed;
  const graphRunId = followed.root?.graphRunId ?? null;
  const adoptedNotice = adopted ? `the run of ${ROOT_TASK} from EXECUTE TASK was skipped` + (skippedRoot?.errorMessage ? ` (Snowflake: ${skippedRoot.errorMessage})` : "") + `: graph run ${adopted.graphRunId}, started by ${adopted.scheduledFrom ?? "its trigger"}${adopted.scheduledAt ? ` at ${adopted.scheduledAt}` : ""}, builds the new rows and is reported here` : void 0;
  const tasks = expected.map((task) => seen.get(task) ?? notRun(task, seen, plan, graphRunId === null));
  for (const run of tasks) {
    if (!reported.has(run.task)) reporter?.task?.(run);
  }
  const root = tasks[0];
  const base = {
    target: "snowflake",
    selection: null,
    fullRefresh: false,
    startedAt: started.toISOString(),
    graphRunId,
    tasks
  };
  const finish = (parts) => {
    const figures = figuresOf(parts.models, parts.tests);
    const result = {
      ...base,
      seconds: (now().getTime() - started.getTime()) / 1e3,
      models: parts.models,
      tests: parts.tests,
      ...parts.testsScope ? { testsScope: parts.testsScope } : {},
      figures,
      failed: parts.failed || figures.tests_failed > 0
    };
    const notice = [adoptedNotice, parts.notice].filter(Boolean).join("; ");
    return { ...result, ...notice ? { notice } : {} };
  };
  if (timedOut) {
    const waiting = tasks.filter((t) => !TERMINAL_STATES.has(t.state));
    const models2 = modelResults(plan, tasks, (run) => ({
      status: "error",
      message: `timed out after ${formatMinutes(options.timeoutSeconds)}: ${run.task} ` + (run.state === "NOT_RUN" ? "was not scheduled yet" : `was still ${run.state}`)
    }));
    for (const model of models2) reporter?.model?.(model);
    return finish({
      models: models2,
      tests: [],
      failed: true,
      notice: `the graph run${graphRunId ? ` ${graphRunId}` : ""} did not finish within ${formatMinutes(options.timeoutSeconds)}: ` + waiting.map((t) => `${t.task} ${t.state === "NOT_RUN" ? "not scheduled yet" : t.state}`).join(", ") + ". It goes on in Snowflake; run transform again once it has finished (or watch it in table(information_schema.task_history(…)))"
    });
  }
  if (root.state === "SKIPPED") {
    const nothingNew = !await streamHasData(warehouse);
    const pending = await pendingBatches(warehouse);
    const why = nothingNew ? `nothing new to build: ${ROOT_TASK} was skipped because ${EVENTS_STREAM} has no new rows` : `${ROOT_TASK} was skipped although ${EVENTS_STREAM} has rows${root.errorMessage ? ` (Snowflake: ${root.errorMessage})` : ""}, and no other graph run is building them: run transform again (SHOW TASKS says whether the graph is suspended)`;
    const models2 = modelResults(plan, tasks, () => ({ status: "skipped", message: `skipped: ${why}` }));
    for (const model of models2) reporter?.model?.(model);
    return finish({
      models: models2,
      tests: [],
      failed: !nothingNew,
      notice: why + (pending > 0 ? `; ${pending} batch(es) of an earlier run that did not complete wait in ${STREAM_BATCHES}: the next run with new rows builds them, or run transform --full-refresh now` : "")
    });
  }
  const models = modelResults(plan, tasks);
  for (const model of models) {
    if (model.status === "success" && model.materialized !== "view") {
      model.rows = await count(warehouse, model.relation);
    }
    reporter?.model?.(model);
  }
  const broken = new Set(models.filter((m) => m.status !== "success").map((m) => m.name));
  const planned = planTests(project, plan.compiled, plan.selected, "snowflake");
  let testsScope = options.fullTests ? void 0 : await recordedPass(warehouse, graphRunId);
  const due = testsScope?.scope === "increment" && options.fullTestsEveryHours !== void 0 && wholePassDue(testsScope.lastWholePass, options.fullTestsEveryHours, timestampText(now()));
  let tests;
  if (options.fullTests || due) {
    const scope = {
      scope: "whole",
      reason: due ? "due" : "full-tests",
      lastWholePass: testsScope?.lastWholePass ?? await lastWholePass(warehouse),
      everyHours: options.fullTestsEveryHours ?? testsScope?.everyHours ?? null,
      startedAt: timestampText(now())
    };
    tests = await runTests(warehouse, planned, broken, now, reporter, options.signal);
    await recordTestPass(warehouse, { runId: graphRunId, scope, finishedAt: timestampText(now()) });
    testsScope = scope;
  } else {
    tests = await recordedTests(warehouse, planned, graphRunId, broken, tasks.at(-1), reporter);
  }
  const failedTask = tasks.some((t) => t.state !== "SUCCEEDED" && t.state !== "SKIPPED");
  const left = adopted && await streamHasData(warehouse) ? `rows loaded after that run captured its batch wait in ${EVENTS_STREAM}: the root's trigger builds them in its next run (or run transform again)` : void 0;
  const overran = tasks.find(ranOutOfTime);
  const limited = overran ? `${overran.task} ran into its time limit (USER_TASK_TIMEOUT_MS): the batch stays pending in ${STREAM_BATCHES} and the next graph run would take as long; build it from this session with transform --full-refresh, which no task time limit stops` : void 0;
  return finish({
    models,
    tests,
    testsScope,
    failed: failedTask || models.some((m) => m.status === "error"),
    notice: [left, limited].filter(Boolean).join("; ") || void 0
  });
}
function ranOutOfTime(run) {
  return run.state.startsWith("FAILED") && (run.errorCode === "000630" || /\btimeout\b/i.test(run.errorMessage ?? ""));
}
async function provisioned(warehouse, sql, object) {
  try {
    await warehouse.execute(sql);
  } catch (error) {
    const message = errorMessage(error);
    if (/does not exist|not authorized/i.test(message)) {
      throw new ConfigurationError(
        `${object} cannot be used in ${warehouse.url} (${message}): run \`provision\` first, and grant this role OPERATE on the task graph and USAGE on the procedures`
      );
    }
    throw error;
  }
}
var ROOT_RUN_COLUMNS = `to_varchar(graph_run_group_id) as graph_run_group_id, to_varchar(root_task_id) as root_task_id,
       scheduled_from, scheduled_time, date_part(epoch_millisecond, scheduled_time) as scheduled_ms`;
function rootRun(row) {
  return {
    graphRunId: String(row.graph_run_group_id),
    rootTaskId: row.root_task_id === null || row.root_task_id === void 0 ? null : String(row.root_task_id),
    scheduledFrom: row.scheduled_from === null || row.scheduled_from === void 0 ? null : String(row.scheduled_from),
    scheduledAt: isoTime(row.scheduled_time),
    scheduledMs: Number(row.scheduled_ms)
  };
}
function rootHistory(sinceMs, where, order, limit) {
  const { schema, name } = upperParts(ROOT_TASK);
  return `select ${ROOT_RUN_COLUMNS}
     from table(information_schema.task_history(
       scheduled_time_range_start => ${since(sinceMs)},
       task_name => ${sqlString(name)},
       result_limit => 100))
     where database_name = current_database() and schema_name = ${sqlString(schema)}
       and graph_run_group_id is not null and ${where}
     order by scheduled_time ${order}
     limit ${limit}`;
}
async function findRootRun(warehouse, sinceMs) {
  const [row] = await warehouse.query(
    rootHistory(
      sinceMs,
      // TASK_HISTORY's docs write the value EXECUTE TASK, COMPLETE_TASK_GRAPHS's EXECUTE_TASK: either.
      `replace(scheduled_from, '_', ' ') = 'EXECUTE TASK' and scheduled_time >= ${timestampMs(sinceMs)}`,
      "",
      1
    )
  );
  return row ? rootRun(row) : null;
}
async function concurrentRun(warehouse, sinceMs, adoptFromMs, ours, expected) {
  const rows = await warehouse.query(
    rootHistory(
      Math.min(sinceMs, adoptFromMs) - 24 * 36e5,
      `to_varchar(graph_run_group_id) <> ${sqlString(ours.graphRunId)} and state <> 'SKIPPED'`,
      "desc",
      5
    )
  );
  for (const row of rows) {
    const run = rootRun(row);
    if (run.scheduledMs >= adoptFromMs) return run;
    const seen = new Map((await graphRunTasks(warehouse, run, expected)).map((t) => [t.task, t]));
    if (!graphRunDone(seen)) return run;
    return null;
  }
  return null;
}
async function graphRunTasks(warehouse, root, expected) {
  const rows = await graphRunRows(warehouse, root.scheduledMs, root.graphRunId, root.rootTaskId);
  return rows.map(taskRun).filter((run) => expected.includes(run.task));
}
async function graphRunRows(warehouse, scheduledMs, graphRunId, rootTaskId) {
  const rows = await warehouse.query(
    `select name, state, scheduled_time, query_start_time, completed_time,
            to_varchar(error_code) as error_code, error_message, attempt_number
     from table(information_schema.task_history(
       scheduled_time_range_start => ${since(scheduledMs)},
       ${rootTaskId ? `root_task_id => ${sqlString(rootTaskId)},` : ""}
       result_limit => 10000))
     where to_varchar(graph_run_group_id) = ${sqlString(graphRunId)}
     order by scheduled_time`
  );
  const latest = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const previous = latest.get(row.name.toLowerCase());
    if (!previous || Number(row.attempt_number ?? 0) >= Number(previous.attempt_number ?? 0)) {
      latest.set(row.name.toLowerCase(), row);
    }
  }
  return [...latest.values()];
}
function since(ms) {
  return `dateadd('minute', -5, ${timestampMs(ms)})`;
}
function timestampMs(ms) {
  if (!Number.isFinite(ms)) throw new Error(`Snowflake's current_timestamp() came back as ${String(ms)}`);
  return `to_timestamp_ltz(${Math.trunc(ms)}, 3)`;
}
function taskRun(row) {
  const name = row.name.toLowerCase().replace(/^.*\./, "");
  const task = `${upperParts(ROOT_TASK).schema.toLowerCase()}.${name}`;
  const startedAt = isoTime(row.query_start_time);
  const completedAt = isoTime(row.completed_time);
  return {
    task,
    model: modelOfTask(name),
    state: row.state.toUpperCase(),
    scheduledAt: isoTime(row.scheduled_time),
    startedAt,
    completedAt,
    seconds: startedAt && completedAt ? (Date.parse(completedAt) - Date.parse(startedAt)) / 1e3 : null,
    errorCode: row.error_code === null || row.error_code === void 0 ? null : String(row.error_code),
    errorMessage: row.error_message === null || row.error_message === void 0 ? null : String(row.error_message),
    attempt: Number(row.attempt_number ?? 1) || 1
  };
}
function isoTime(value) {
  if (value === null || value === void 0) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
function graphRunDone(seen) {
  const root = seen.get(ROOT_TASK);
  if (root?.state === "SKIPPED") return true;
  const finalizer = seen.get(FINALIZER_TASK);
  if (!finalizer || !TERMINAL_STATES.has(finalizer.state)) return false;
  return [...seen.values()].every((run) => !RUNNING_STATES.has(run.state));
}
function notRun(task, seen, plan, noGraphRun) {
  const base = {
    task,
    model: modelOfTask(task),
    state: "NOT_RUN",
    scheduledAt: null,
    startedAt: null,
    completedAt: null,
    seconds: null,
    errorCode: null,
    errorMessage: null
  };
  if (noGraphRun) return { ...base, message: "the graph run never appeared in TASK_HISTORY" };
  const blocker = blockingTask(task, seen, plan);
  return {
    ...base,
    message: blocker ? `${blocker.task} ${describeState(blocker)}` : `${task} did not run in this graph run: provision the task graph again if its model is new`
  };
}
function blockingTask(task, seen, plan) {
  const stateOf = (t) => seen.get(t) ?? null;
  const root = stateOf(ROOT_TASK);
  if (task === ROOT_TASK) return void 0;
  if (!root || root.state !== "SUCCEEDED") return root ?? void 0;
  const model = modelOfTask(task);
  if (model) {
    const visited = /* @__PURE__ */ new Set();
    const stack = [...plan.compiled.get(model)?.refs ?? []];
    while (stack.length > 0) {
      const parent = stack.pop();
      if (visited.has(parent)) continue;
      visited.add(parent);
      const run = stateOf(modelTask(parent));
      if (run && run.state !== "SUCCEEDED") return run;
      if (!run) {
        const deeper = blockingTask(modelTask(parent), seen, plan);
        if (deeper) return deeper;
      }
      stack.push(...plan.compiled.get(parent)?.refs ?? []);
    }
  }
  const order = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  for (let i = order.indexOf(task) - 1; i >= 0; i -= 1) {
    const run = stateOf(order[i]);
    if (run && run.state !== "SUCCEEDED") return run;
  }
  return void 0;
}
function describeState(run) {
  if (run.state === "NOT_RUN") return `did not run${run.message ? ` (${run.message})` : ""}`;
  return run.state === "SKIPPED" ? "was skipped" : run.state.toLowerCase().replaceAll("_", " ");
}
function formatMinutes(seconds) {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
function modelResults(plan, tasks, leftOver) {
  return plan.order.map((name) => {
    const model = plan.compiled.get(name);
    const run = tasks.find((t) => t.model === name);
    let outcome;
    if (run.state === "SUCCEEDED") {
      outcome = { status: "success" };
    } else if (run.state === "SKIPPED") {
      outcome = {
        status: "skipped",
        message: `skipped: ${run.task} was skipped${run.errorMessage ? ` (${run.errorMessage})` : ""}`
      };
    } else if (run.state === "NOT_RUN" || RUNNING_STATES.has(run.state)) {
      outcome = leftOver?.(run) ?? { status: "skipped", message: `skipped: ${run.message ?? "not run"}` };
    } else {
      const error = [run.errorCode, run.errorMessage].filter(Boolean).join(" ");
      outcome = { status: "error", message: `${run.task} ${run.state}${error ? `: ${error}` : ""}` };
    }
    return {
      name,
      relation: model.relation,
      materialized: model.config.materialized,
      // The procedure decides (a missing table is built whole); TASK_HISTORY does not say which it did.
      incremental: false,
      status: outcome.status,
      rows: null,
      processed: null,
      seconds: run.seconds ?? 0,
      ...outcome.message ? { message: outcome.message } : {}
    };
  });
}
async function recordedTests(warehouse, planned, graphRunId, broken, finalizer, reporter) {
  const rows = await warehouse.query(
    `select test_name, failures, failing_rows as sample, error, seconds from ${TEST_RESULTS}
     where run_id = ? order by recorded_at`,
    [graphRunId]
  );
  const byName = new Map(rows.map((row) => [String(row.test_name).toLowerCase(), row]));
  const tests = [];
  for (const test of planned) {
    const row = byName.get(test.name.toLowerCase());
    let result;
    if (row) {
      const seconds = Number(row.seconds ?? 0);
      result = row.error !== null && row.error !== void 0 && String(row.error) !== "" ? testOutcome(test, { error: String(row.error), seconds }) : testOutcome(test, {
        failures: Number(row.failures ?? 0),
        sample: sampleRows2(row.sample),
        seconds
      });
    } else {
      const brokenModel = test.on.find((name) => broken.has(name));
      result = {
        name: test.name,
        on: test.on,
        severity: test.severity,
        declaredIn: test.declaredIn,
        status: brokenModel ? "skipped" : "error",
        failures: 0,
        seconds: 0,
        message: brokenModel ? `skipped: ${brokenModel} was not built` : `the finalizer recorded no result for this test in ${TEST_RESULTS} (run ${graphRunId})` + (finalizer.state !== "SUCCEEDED" ? `: ${finalizer.task} ${describeState(finalizer)}` + (finalizer.errorMessage ? ` (${finalizer.errorMessage})` : "") : ": provision again so pipeline.run_data_tests knows every test")
      };
    }
    tests.push(result);
    reporter?.test?.(result);
  }
  return tests;
}
async function recordedPass(warehouse, graphRunId) {
  if (!await warehouse.tableExists("pipeline", "test_passes")) return void 0;
  const [row] = await warehouse.query(
    `select passes.scope, passes.every_hours, passes.started_at,
       (select max(earlier.started_at) from ${TEST_PASSES} as earlier
        where earlier.scope = 'whole' and earlier.finished_at is not null
          and earlier.started_at < passes.started_at) as last_whole_pass
     from ${TEST_PASSES} as passes
     where passes.run_id = ?
     order by passes.started_at desc
     limit 1`,
    [graphRunId]
  );
  const scope = row?.scope === void 0 || row.scope === null ? "" : String(row.scope).toLowerCase();
  const startedAt = timestampValue(row?.started_at);
  if (scope !== "whole" && scope !== "increment" || startedAt === null) return void 0;
  const every = row.every_hours;
  return {
    scope,
    // The finalizer tests whole tables only when its schedule says so.
    reason: scope === "whole" ? "due" : "scheduled",
    lastWholePass: timestampValue(row.last_whole_pass),
    everyHours: every === null || every === void 0 ? null : Number(every),
    startedAt
  };
}
function sampleRows2(sample) {
  const value = typeof sample === "string" ? JSON.parse(sample) : sample;
  if (!Array.isArray(value)) return [];
  return value.filter(
    (row) => typeof row === "object" && row !== null && !Array.isArray(row)
  ).map((row) => Object.fromEntries(Object.entries(row).map(([key, v]) => [key.toLowerCase(), v])));
}
async function runTests(warehouse, planned, broken, now, reporter, signal) {
  const clock = () => now().getTime();
  const tests = [];
  for (const test of planned) {
    signal?.throwIfAborted();
    const result = await runTest(warehouse, test, broken, clock);
    tests.push(result);
    reporter?.test?.(result);
  }
  return tests;
}
async function streamHasData(warehouse) {
  const [row] = await warehouse.query(
    `select system$stream_has_data(${sqlString(EVENTS_STREAM)}) as has_data`
  );
  return row?.has_data === true || String(row?.has_data).toLowerCase() === "true";
}
async function pendingBatches(warehouse) {
  return Number(
    (await warehouse.query(
      `select count(*) as n from ${STREAM_BATCHES} where completed_at is null`
    ))[0]?.n ?? 0
  );
}
async function count(warehouse, relation) {
  const [row] = await warehouse.query(`select count(*) as n from ${relation}`);
  return Number(row?.n ?? 0);
}
function figuresOf(models, tests) {
  return {
    models: models.filter((m) => m.status === "success").length,
    tests_passed: tests.filter((t) => t.status === "pass").length,
    tests_failed: tests.filter((t) => t.status === "fail" || t.status === "error").length,
    tests_warned: tests.filter((t) => t.status === "warn").length
  };
}
async function fullRefresh(options) {
  const { warehouse, signal } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const started = now();
  planProject(options.project, "snowflake", options.select);
  signal?.throwIfAborted();
  const suspended = await suspendGraph(warehouse, {
    timeoutSeconds: options.timeoutSeconds,
    pollMs: (options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1e3,
    sleep: options.sleep ?? realSleep,
    now,
    signal
  });
  let result;
  try {
    result = await rebuild(options, started, now);
  } catch (error) {
    if (suspended) await resumeGraph(warehouse, error);
    throw error;
  }
  if (suspended) await resumeGraph(warehouse);
  return result;
}
async function suspendGraph(warehouse, options) {
  const { schema, name } = upperParts(ROOT_TASK);
  const rows = await warehouse.query(
    `show tasks like ${sqlString(name)} in schema ${schema.toLowerCase()}`
  );
  const state = rows.find((row) => String(row.name).toUpperCase() === name)?.state;
  if (state === void 0 || state === null) {
    throw new ConfigurationError(
      `${ROOT_TASK} does not exist in ${warehouse.url}: run \`provision\` first (SHOW TASKS found no such task)`
    );
  }
  if (String(state).toLowerCase() !== "started") return false;
  await provisioned(warehouse, `alter task ${ROOT_TASK} suspend`, ROOT_TASK);
  const still = await waitForRunInFlight(warehouse, { ...options, seconds: options.timeoutSeconds });
  if (still === void 0) return true;
  await resumeGraph(warehouse);
  options.signal?.throwIfAborted();
  throw new ExternalServiceError(
    "Snowflake",
    `a graph run of ${ROOT_TASK} was still executing after ${formatMinutes(options.timeoutSeconds)}, so the full refresh did not start (the graph is resumed as it was): run transform --full-refresh again once the run has finished (CURRENT_TASK_GRAPHS shows it)`,
    { retryable: true }
  );
}
async function resumeGraph(warehouse, failure) {
  try {
    await warehouse.execute(`alter task ${ROOT_TASK} resume`);
  } catch (error) {
    const message = `${ROOT_TASK} stays suspended: resuming it failed (${errorMessage(error)}); resume it with ALTER TASK ${ROOT_TASK} RESUME`;
    if (failure === void 0) throw new ExternalServiceError("Snowflake", message, { retryable: true });
    if (failure instanceof Error) failure.message = `${failure.message}; ${message}`;
  }
}
async function rebuild(options, started, now) {
  const { warehouse, project, reporter, signal } = options;
  const { compiled, order, selected } = planProject(project, "snowflake", options.select);
  options.signal?.throwIfAborted();
  const runId = `full-refresh ${started.toISOString()}`;
  await provisioned(warehouse, `call ${CAPTURE_PROCEDURE}(${sqlString(runId)})`, CAPTURE_PROCEDURE);
  const models = [];
  const broken = /* @__PURE__ */ new Set();
  for (const name of order.filter((n) => selected.has(n))) {
    signal?.throwIfAborted();
    const model = compiled.get(name);
    const result = {
      name,
      relation: model.relation,
      materialized: model.config.materialized,
      incremental: false,
      status: "success",
      rows: null,
      processed: null,
      seconds: 0
    };
    const brokenParent = model.refs.find((parent) => broken.has(parent));
    if (brokenParent) {
      broken.add(name);
      result.status = "skipped";
      result.message = `skipped: ${brokenParent} failed`;
    } else {
      const begun = now().getTime();
      try {
        await warehouse.execute(`call ${buildProcedure(name)}(true)`);
        if (model.config.materialized !== "view") {
          result.rows = await count(warehouse, model.relation);
          result.processed = result.rows;
        }
      } catch (error) {
        broken.add(name);
        result.status = "error";
        result.message = `${buildProcedure(name)}: ${errorMessage(error)}`;
      }
      result.seconds = (now().getTime() - begun) / 1e3;
    }
    models.push(result);
    reporter?.model?.(result);
  }
  const planned = planTests(project, compiled, selected, "snowflake");
  const testsScope = {
    scope: "whole",
    reason: "full-refresh",
    lastWholePass: await lastWholePass(warehouse),
    everyHours: options.fullTestsEveryHours ?? null,
    startedAt: timestampText(now())
  };
  const tests = await runTests(warehouse, planned, broken, now, reporter, signal);
  const everyModel = selected.size === compiled.size;
  if (everyModel)
    await recordTestPass(warehouse, { runId, scope: testsScope, finishedAt: timestampText(now()) });
  const built = models.every((m) => m.status === "success");
  let notice;
  if (built && everyModel) {
    await warehouse.execute(
      `update ${STREAM_BATCHES} set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz where completed_at is null`
    );
  } else {
    notice = `the captured batch stays pending in ${STREAM_BATCHES}: ` + (built ? "not every model was rebuilt (--select)" : "a model failed") + ", so the next graph run builds it into every model";
  }
  const figures = figuresOf(models, tests);
  return {
    target: "snowflake",
    selection: options.select?.trim() || null,
    fullRefresh: true,
    startedAt: started.toISOString(),
    seconds: (now().getTime() - started.getTime()) / 1e3,
    models,
    tests,
    testsScope,
    figures,
    failed: !built || figures.tests_failed > 0,
    graphRunId: null,
    tasks: [],
    ...notice ? { notice } : {}
  };
}

// src/snowflake/graph-report.ts
var REPORT_LOOKBACK_HOURS = 24;
async function reportGraphRuns(options) {
  const { warehouse, project } = options;
  const plan = planProject(project, "snowflake");
  const expected = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  const [clock] = await warehouse.query(
    "select date_part(epoch_millisecond, current_timestamp()) as ms"
  );
  const sinceMs = Number(clock?.ms) - REPORT_LOOKBACK_HOURS * 36e5;
  const roots = [
    ...new Map(
      (await warehouse.query(rootHistory(sinceMs, `scheduled_time >= ${timestampMs(sinceMs)}`, "", 100))).map(rootRun).sort((a, b) => b.scheduledMs - a.scheduledMs).map((root) => [root.graphRunId, root])
    ).values()
  ].sort((a, b) => a.scheduledMs - b.scheduledMs);
  const ids = roots.map((r) => r.graphRunId);
  const attempts = await latestAttempts(warehouse, sinceMs, ids);
  const claimed = await reportedAttempts(warehouse, ids);
  const finished = [];
  let running = null;
  for (const root of roots) {
    const attempt = attempts.get(root.graphRunId) ?? 1;
    if (claimed.has(claimKey(root.graphRunId, attempt))) continue;
    const found = await graphRunTasks(warehouse, root, expected);
    const seen = new Map(found.map((t) => [t.task, t]));
    if (!graphRunDone(seen)) {
      running = {
        ...runOf(root, attempt),
        tasks: expected.flatMap((task) => seen.get(task) ?? []),
        tests: [],
        failed: false,
        failures: []
      };
      continue;
    }
    if (!await claim(warehouse, root, attempt)) continue;
    const tasks = expected.map((task) => seen.get(task) ?? notRun(task, seen, plan, false));
    finished.push(await finishedRun(warehouse, project, plan, root, attempt, tasks));
  }
  return { finished, running, failed: finished.some((run) => run.failed) };
}
function runOf(root, attempt) {
  return {
    graphRunId: root.graphRunId,
    attempt,
    scheduledAt: root.scheduledAt,
    scheduledFrom: root.scheduledFrom
  };
}
async function finishedRun(warehouse, project, plan, root, attempt, tasks) {
  const skipped = tasks[0]?.state === "SKIPPED";
  const broken = new Set(
    modelResults(plan, tasks).filter((m) => m.status !== "success").map((m) => m.name)
  );
  const tests = skipped ? [] : await recordedTests(
    warehouse,
    planTests(project, plan.compiled, plan.selected, "snowflake"),
    root.graphRunId,
    broken,
    tasks.at(-1),
    void 0
  );
  const failures = [
    ...tasks.filter((t) => t.state !== "SUCCEEDED" && t.state !== "SKIPPED" && t.state !== "NOT_RUN").map((t) => `${t.task} ${t.state}${t.errorMessage ? `: ${t.errorMessage}` : ""}`),
    // An error that kept a test from running (e.g. its model was not built) fails it as a failure would.
    ...tests.filter((t) => t.status === "fail" || t.status === "error").map((t) => `test ${t.name} ${t.status === "fail" ? `failed (${t.failures} row(s))` : "errored"}`)
  ];
  const testsScope = skipped ? void 0 : await recordedPass(warehouse, root.graphRunId);
  return {
    ...runOf(root, attempt),
    tasks,
    tests,
    ...testsScope ? { testsScope } : {},
    failed: failures.length > 0,
    failures
  };
}
function claimKey(graphRunId, attempt) {
  return `${graphRunId} ${attempt}`;
}
async function latestAttempts(warehouse, sinceMs, ids) {
  if (ids.length === 0) return /* @__PURE__ */ new Map();
  const rows = await warehouse.query(
    `select to_varchar(graph_run_group_id) as graph_run_group_id, max(attempt_number) as attempt_number
     from table(information_schema.task_history(
       scheduled_time_range_start => ${timestampMs(sinceMs)},
       result_limit => 10000))
     where database_name = current_database() and schema_name = ${sqlString(upperParts(ROOT_TASK).schema)}
       and to_varchar(graph_run_group_id) in (${ids.map(sqlString).join(", ")})
     group by 1`
  );
  return new Map(rows.map((row) => [String(row.graph_run_group_id), Number(row.attempt_number ?? 1) || 1]));
}
async function reportedAttempts(warehouse, ids) {
  if (ids.length === 0) return /* @__PURE__ */ new Set();
  const rows = await warehouse.query(
    `select graph_run_group_id, attempt_number from ${GRAPH_REPORTS} where graph_run_group_id in (${ids.map(sqlString).join(", ")})`
  );
  return new Set(
    rows.map((row) => claimKey(String(row.graph_run_group_id), Number(row.attempt_number ?? 1) || 1))
  );
}
async function claim(warehouse, root, attempt) {
  const rows = await warehouse.query(
    `merge into ${GRAPH_REPORTS} as reported
     using (select ${sqlString(root.graphRunId)} as graph_run_group_id, ${Math.trunc(attempt)} as attempt_number) as run
     on reported.graph_run_group_id = run.graph_run_group_id
       and coalesce(reported.attempt_number, 1) = run.attempt_number
     when not matched then insert (graph_run_group_id, attempt_number, scheduled_time, reported_at)
       values (run.graph_run_group_id, run.attempt_number, ${Number.isFinite(root.scheduledMs) ? `convert_timezone('UTC', ${timestampMs(root.scheduledMs)})::timestamp_ntz` : "null"}, convert_timezone('UTC', current_timestamp())::timestamp_ntz)`
  );
  const inserted = rows[0] ? Object.values(rows[0])[0] : 0;
  return Number(inserted ?? 0) > 0;
}

// src/pipeline/transform.ts
async function transformStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const project = await readProject(options.project);
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "transform",
    create: false,
    env: context.env,
    warn: (message) => reporter.warning?.(message)
  });
  try {
    signal?.throwIfAborted();
    const started = Date.now();
    const snowflake = warehouse.dialect === "snowflake";
    reporter.started?.({
      warehouseUrl: warehouse.url,
      graph: snowflake && !options.fullRefresh,
      select: options.select,
      fullRefresh: options.fullRefresh === true
    });
    const common = {
      warehouse,
      project,
      select: options.select,
      fullRefresh: options.fullRefresh,
      fullTests: options.fullTests,
      fullTestsEveryHours: options.fullTestsEvery,
      targetDir: options.targetDir,
      signal,
      reporter: {
        seed: (s) => reporter.seed?.(s),
        model: (m) => reporter.model?.(m),
        test: (t) => reporter.test?.(t),
        started: (id) => reporter.graphRunStarted?.(id),
        adopted: (run) => reporter.adopted?.(run),
        task: (run) => reporter.task?.(run)
      }
    };
    const result = snowflake ? await runTaskGraph({
      ...common,
      timeoutSeconds: (options.timeoutMinutes ?? DEFAULT_TRANSFORM_TIMEOUT_MINUTES) * 60,
      adoptRunsSince: options.adoptRunsSince
    }) : await transform(common);
    if ("notice" in result && typeof result.notice === "string") reporter.notice?.(result.notice);
    return {
      result,
      figures: result.figures,
      warehouseUrl: warehouse.url,
      durationMs: Date.now() - started,
      failed: result.failed
    };
  } finally {
    await release();
  }
}
async function transformReportStep(options, context) {
  context.signal?.throwIfAborted();
  const project = await readProject(options.project);
  if (options.warehouse.startsWith("duckdb:")) {
    throw new ConfigurationError(
      `--no-wait reports the Snowflake task graph's runs; ${options.warehouse} builds its models in transform itself`
    );
  }
  const lake = options.lake ? await openLake(options.lake, context.env ?? process.env) : void 0;
  await lake?.check({ create: false });
  const warehouse = await openWarehouse(options.warehouse, { create: false, env: context.env });
  try {
    const mend2 = lake ? await pipeLoad({
      lake,
      warehouse,
      // One pass: what is missing and old enough is refreshed or copied now, nothing is waited for.
      timeoutSeconds: 0,
      graceSeconds: 0,
      mendAfterSeconds: (options.mendAfterMinutes ?? DEFAULT_MEND_AFTER_MINUTES) * 60,
      now: context.now,
      signal: context.signal
    }) : null;
    const report = await reportGraphRuns({ warehouse, project });
    const mended = mend2 ? [...mend2.refreshed, ...mend2.copied] : [];
    const left = mend2 ? mend2.pending.filter((key) => !mended.includes(key)) : [];
    return {
      report,
      mend: mend2,
      mended,
      left,
      figures: {
        runs_reported: report.finished.length,
        runs_failed: report.finished.filter((run) => run.failed).length,
        runs_running: report.running ? 1 : 0,
        files_mended: mended.length,
        files_left: left.length
      },
      warehouseUrl: warehouse.url,
      failed: report.failed || mend2 !== null && mend2.failed.length > 0
    };
  } finally {
    await warehouse.close();
  }
}
function attemptOf(run) {
  return run.attempt > 1 ? ` attempt ${run.attempt}` : "";
}
function describeReport(result) {
  const { report } = result;
  const when2 = (run) => `${run.scheduledAt ? ` scheduled ${run.scheduledAt}` : ""}${run.scheduledFrom ? ` by ${run.scheduledFrom}` : ""}`;
  const lines = [];
  if (report.finished.length === 0) lines.push("No task graph run has finished since the last report.");
  for (const run of report.finished) {
    lines.push(
      `Graph run ${run.graphRunId}${attemptOf(run)}${when2(run)}: ${run.failed ? "FAILED" : "finished"}`
    );
    for (const failure of run.failures) lines.push(`  FAILED ${failure}`);
    for (const task of run.tasks) lines.push(`  ${describeTask(task)}`);
    const notPassed = run.tests.filter((test) => test.status !== "pass");
    for (const test of notPassed)
      lines.push(`  ${test.status.toUpperCase()} ${test.name}${test.message ? `: ${test.message}` : ""}`);
    if (run.tests.length > 0)
      lines.push(`  data tests: ${run.tests.length - notPassed.length} of ${run.tests.length} passed`);
    if (run.testsScope) lines.push(`  ${describeTestsScope(run.testsScope)}`);
  }
  if (report.running) {
    lines.push(
      `Graph run ${report.running.graphRunId}${attemptOf(report.running)}${when2(report.running)}: still running`
    );
    for (const task of report.running.tasks) lines.push(`  ${describeTask(task)}`);
  }
  if (result.mend) {
    lines.push(
      `Lake files Snowpipe missed: ${result.mended.length} mended` + (result.mended.length > 0 ? ` (${result.mended.join(", ")})` : "") + `, ${result.left.length} younger left to Snowpipe, ${result.mend.failed.length} not loadable`
    );
    for (const failure of result.mend.failed) lines.push(`  FAILED ${failure.key}: ${failure.message}`);
  }
  return lines;
}
function reportFailure(result) {
  const runs = result.report.finished.filter((run) => run.failed).map(
    (run) => `graph run ${run.graphRunId}${attemptOf(run)}${run.scheduledAt ? ` (scheduled ${run.scheduledAt})` : ""} failed: ` + // A finalizer that failed leaves every test unrecorded: the first few name the run, the summary has all.
    [
      ...run.failures.slice(0, 5),
      ...run.failures.length > 5 ? [`and ${run.failures.length - 5} more`] : []
    ].join("; ")
  );
  const files = result.mend?.failed.length ? [
    `${result.mend.failed.length} lake file(s) could not be loaded: ${result.mend.failed.map((f) => f.key).join(", ")}`
  ] : [];
  return `transform of ${result.warehouseUrl}: ${[...runs, ...files].join("; ")}`;
}

// src/actions/transform-main.ts
async function transformMain(run) {
  const env = { ...process.env, ...secretEnv([...SNOWFLAKE_SECRETS, ...AWS_SECRETS]) };
  const warehouse = optionalInput(INPUTS.warehouse) ?? DEFAULT_WAREHOUSE;
  const lake = optionalInput(INPUTS.lake);
  const timeoutMinutes = intInput(INPUTS.timeoutMinutes, DEFAULT_TRANSFORM_TIMEOUT_MINUTES, {
    min: 1,
    max: 1440
  });
  const options = {
    warehouse,
    project: optionalInput(INPUTS.project) ?? DEFAULT_PROJECT,
    select: optionalInput(INPUTS.select),
    fullRefresh: booleanInput(INPUTS.fullRefresh, false),
    fullTests: booleanInput(INPUTS.fullTests, false),
    fullTestsEvery: intInput(INPUTS.fullTestsEvery, void 0, { min: 0, max: 24 * 366 }),
    targetDir: DEFAULT_TARGET_DIR,
    timeoutMinutes
  };
  const wait = booleanInput(INPUTS.wait, true);
  const failed = (thrown) => {
    const error = inInputTerms(thrown, ACTION_IO.transform.inputs);
    if (wait) addTransformToSummary(summary, void 0, { error });
    else addGraphReportToSummary(summary, void 0, { error });
    return run.shownInSummary(error);
  };
  const warning = run.annotations.warning;
  if (!wait) {
    if (options.select || options.fullRefresh) {
      throw failed(
        new ConfigurationError(
          `input ${options.select ? INPUTS.select : INPUTS.fullRefresh} needs wait: true (wait: false starts no build)`
        )
      );
    }
    const mendAfterMinutes = intInput(INPUTS.mendAfterMinutes, DEFAULT_MEND_AFTER_MINUTES, {
      min: 0,
      max: 7 * 24 * 60
    });
    const reported = await transformReportStep(
      { warehouse, project: options.project, lake, mendAfterMinutes },
      { env }
    ).catch((error) => {
      throw failed(error);
    });
    for (const line of describeReport(reported)) info(line);
    addGraphReportToSummary(summary, {
      ...reported.report,
      mended: reported.mended,
      left: reported.left,
      mendAfterMinutes,
      failedFiles: reported.mend?.failed ?? []
    });
    if (reported.failed) throw new Error(reportFailure(reported));
    return;
  }
  const loadStarted = /* @__PURE__ */ new Date();
  if (lake) {
    const loaded = await loadStep({ lake, warehouse, timeoutMinutes }, { env, reporter: { warning } }).catch(
      (error) => {
        throw failed(error);
      }
    );
    info(`Loaded ${lake} into ${loaded.warehouseUrl}: ${JSON.stringify(loaded.figures)}`);
    if (loaded.failed)
      throw failed(new Error(`loading ${lake} into ${loaded.warehouseUrl} failed for some files`));
  }
  const result = await transformStep(
    { ...options, adoptRunsSince: lake ? loadStarted : void 0 },
    { env, reporter: { warning, notice: run.annotations.notice } }
  ).catch((error) => {
    throw failed(error);
  });
  const { figures } = result;
  setOutput(OUTPUTS.models, figures.models);
  setOutput(OUTPUTS.testsPassed, figures.tests_passed);
  setOutput(OUTPUTS.testsFailed, figures.tests_failed);
  setOutput(OUTPUTS.testsWarned, figures.tests_warned);
  addTransformToSummary(summary, result.result);
  const docsDir = optionalInput(INPUTS.docsDir);
  if (docsDir) {
    const docs = await buildDocs(
      { out: docsDir, warehouse, project: options.project, targetDir: options.targetDir },
      { env, warn: warning }
    ).catch((error) => {
      throw new Error(
        `input docs-dir ${docsDir}: the data dictionary was not written: ${errorMessage(error)}`,
        {
          cause: error
        }
      );
    });
    setOutput(OUTPUTS.docsDir, docs.outDir);
    info(`Data dictionary: ${docs.pages} page(s) in ${docs.outDir}; open ${docs.index}`);
  }
  if (result.failed) {
    throw new Error(
      `transform of ${result.warehouseUrl} failed: ${figures.tests_failed} data test(s) failed; see the summary for models and tests`
    );
  }
}

// src/actions/transform.ts
void runAction("transform", transformMain);
/*! Bundled license information:

@dagrejs/dagre/dist/dagre.esm.js:
  (*! For license information please see dagre.esm.js.LEGAL.txt *)
*/
