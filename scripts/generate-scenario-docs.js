// Writes docs/scenario-reference.md from the generated scenario JSON Schema (every field, its type and
// description), with the semantics that no single field says. Run through `npm run schema`, which builds
// dist/ first. `--check` exits 1 when the committed file is stale (a test runs it).

import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../dist/scenario/json-schema.js';
import { walkSchema } from '../dist/scenario/json-schema-strict.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'scenario-reference.md');

const SEMANTICS = `## Semantics

### t0, windows and what \`during\` spans
- **t0** is the moment the measured fault's first mutating call returned success: the first fault step,
  or the one with \`measure: true\`.
- **before** runs from the start of observation (after the steady-state check) to t0.
- **during** runs from t0 to recovery: the start of the first window in which the RTO objective's probe
  stays healthy for \`stableFor\` (default 5s). Without an RTO objective (or when the probe never recovers)
  it ends when the last fault step ended, and without that at the end of observation.
- **after** runs from the end of \`during\` to the end of observation (the load run and
  \`rollback.recoveryTimeout\` bound it).
- **run** is the whole observation. Objectives without \`window\` use **run**.
- A run without a fault has empty \`during\` and \`after\` windows; their objectives fail as not measured.

### RTO and its error bound
RTO runs from t0 to the start of the first window stable for \`stableFor\`. True recovery lies between the
last failing sample and that window's first healthy sample, so it is reported with the probe interval as
its error bound (\`3.01s ± 100ms\`). No failing sample after t0 means "no impact" and RTO 0.

### Abort conditions (\`guards.abortWhen\`)
Each condition is judged every 100 ms over the samples of its probe in the last \`for\`
(a sliding window): the run aborts, and rolls back, when the share of healthy samples in it is below
\`availabilityBelow\`. A condition is only judged once observation has lasted \`for\`, so a single early
failure cannot abort a run that just started.

### Kubernetes: evictions and zones
- \`pod-kill\` evicts by default (\`mode: evict\`), respecting PodDisruptionBudgets: an eviction refused with
  429 is retried until \`evictionTimeout\` (default 1m) and then reported, never forced. \`mode: delete\`
  deletes the pods without asking the budget.
- A node's zone is its \`topology.kubernetes.io/zone\` label; a pod's zone is its node's. \`select.zone\`,
  \`select.perZone\`, \`zone-outage\`'s \`zone\`, \`nodesReady.zone\` and \`guards.allowedZones\` all read it.
- \`zone-outage\` cordons the zone's nodes and marks them NotReady through \`notReadyLabel\` (default the
  kwok fixture's stage label), then evicts (or deletes) the zone's pods in the target namespace.

### Variables
\`\${VAR}\` and \`\${VAR:-default}\` read the environment; \`$\${\` is a literal \`\${\`. \`\${SANDBOX_URL}\`,
\`\${SANDBOX_API_URL}\` and \`\${SANDBOX_DATABASE_URL}\` are filled in by gameday once the sandbox is up.
\`gameday validate --allow-missing-env\` checks a scenario's structure without the values (for CI lint steps
without secrets).
`;

function typeOf(node) {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${v}\``).join(' \\| ');
  const alternatives = node.anyOf ?? node.oneOf;
  if (Array.isArray(alternatives) && !node.type) return [...new Set(alternatives.map(typeOf))].join(' or ');
  if (node.type === 'string' && typeof node.pattern === 'string') {
    if (node.pattern.includes('ms|s|m|h')) return 'duration';
    if (node.pattern.endsWith('%$')) return 'percent';
    if (node.pattern.includes('\\/(s|m|h)')) return 'rate';
  }
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'values'}`;
  if (node.type === 'object') return node.properties ? 'mapping' : 'mapping of values';
  return node.type ?? 'value';
}

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The reference's Markdown text. */
export function scenarioReference(schema) {
  const rows = new Map();
  walkSchema(schema, (node, path) => {
    if (typeof node.properties !== 'object' || node.properties === null) return;
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    for (const [key, child] of Object.entries(node.properties)) {
      const field = path === '' ? key : `${path}.${key}`;
      const entry = rows.get(field) ?? { types: new Set(), descriptions: new Set(), required: true };
      entry.types.add(typeOf(child));
      if (child.description) entry.descriptions.add(child.description);
      entry.required &&= required.has(key);
      rows.set(field, entry);
    }
  });
  const sections = new Map([['top level', []]]);
  const tops = new Set([...rows.keys()].filter((f) => /[.[]/.test(f)).map((f) => f.split(/[.[]/)[0]));
  for (const [field, entry] of rows) {
    const first = field.split(/[.[]/)[0];
    const top = tops.has(first) ? first : 'top level';
    if (!sections.has(top)) sections.set(top, []);
    sections
      .get(top)
      .push(
        `| \`${cell(field)}\` | ${cell([...entry.types].join(' or '))} | ${entry.required ? 'yes' : ''} | ${cell([...entry.descriptions].join(' — '))} |`,
      );
  }
  const out = [
    '# Scenario reference',
    '',
    '<!-- Generated by scripts/generate-scenario-docs.js from schema/scenario.schema.json (npm run schema). Do not edit. -->',
    '',
    'Every field of a scenario file, with its type and meaning. Paths read as you write YAML: `probes.*` is any',
    'probe name, `steps[]` any step. Durations are written `250ms`, `30s`, `5m`, `1h`; percentages `99.5%`;',
    'rates `200/s`. Editors check files against `schema/scenario.schema.json`; `gameday validate` checks the',
    'same and more (references between fields, targets, zones).',
    '',
    SEMANTICS,
    '## Fields',
  ];
  for (const [top, lines] of sections) {
    out.push('', `### ${top}`, '', '| Field | Type | Required | Description |', '| --- | --- | --- | --- |', ...lines);
  }
  return `${out.join('\n')}\n`;
}

const text = scenarioReference(scenarioJsonSchema());
if (process.argv.includes('--check')) {
  const onDisk = await readFile(target, 'utf8').catch(() => '');
  if (onDisk !== text) {
    console.error(`${target} is stale: run npm run schema`);
    process.exitCode = 1;
  } else console.log(`${target} is current`);
} else {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  console.log(`wrote ${target}`);
}
