// openapi_validate.mjs — an independent check of medallion's /openapi.json.
//
//   node tests/peer/openapi_validate.mjs DOC.json [EXAMPLES.json]
//
// 1. @seriousme/openapi-schema-validator: DOC validates against the OpenAPI
//    Initiative's JSON Schema for its version (which must be 3.1), and every
//    local $ref resolves.
// 2. Every {name} of a path template is declared once as a required "path"
//    parameter of each of its operations, and no other path parameter is
//    (a rule of the specification that its JSON Schema cannot express).
// 3. Every schema (components/schemas and the parameters') compiles with Ajv
//    for JSON Schema 2020-12 in strict mode: a misspelt keyword ("maxlenght")
//    or a wrongly typed one ("maximum": "24") fails here.
// 4. EXAMPLES, when given: {"<schema name>": {"valid": [..], "invalid": [..]}};
//    each valid instance must validate against components/schemas/<name>,
//    each invalid one must not.
// Prints "openapi_validate: ok (...)" and exits 0, or prints every problem to
// stderr and exits 1 (2 when the packages are not installed).
//
// The packages come from `scripts/install-peers DIR`; point MEDALLION_PEER_DIR
// at DIR (default: build/peer of this repository).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const peerDir = resolve(process.env.MEDALLION_PEER_DIR ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'peer'));
const peerRequire = createRequire(join(peerDir, 'package.json'));

async function load(name) {
  let path;
  try {
    path = peerRequire.resolve(name);
  } catch {
    process.stderr.write(`openapi_validate: ${name} is not installed in ${peerDir}: ` +
      'run scripts/install-peers DIR and set MEDALLION_PEER_DIR=DIR\n');
    process.exit(2);
  }
  return import(pathToFileURL(path).href);
}

const { Validator } = await load('@seriousme/openapi-schema-validator');
const Ajv2020 = (await load('ajv/dist/2020.js')).default.default;
const addFormats = (await load('ajv-formats')).default.default;

const [docPath, examplesPath] = process.argv.slice(2);
if (!docPath) {
  process.stderr.write('usage: openapi_validate.mjs DOC.json [EXAMPLES.json]\n');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(docPath, 'utf-8'));
const problems = [];

// 1. The OAI schema.
const validator = new Validator();
const result = await validator.validate(structuredClone(doc));
if (!result.valid) {
  problems.push(`not a valid OpenAPI document: ${JSON.stringify(result.errors, null, 1)}`);
} else if (validator.version !== '3.1') {
  problems.push(`OpenAPI version ${validator.version}, expected 3.1`);
}

// 2. Path template parameters.
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const method of methods) {
    const op = item[method];
    if (!op) continue;
    const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])]
      .filter((p) => p.in === 'path');
    for (const name of names) {
      const found = declared.filter((p) => p.name === name);
      if (found.length !== 1) {
        problems.push(`${method} ${path}: {${name}} declared ${found.length} times`);
      } else if (found[0].required !== true) {
        problems.push(`${method} ${path}: path parameter ${name} must be required`);
      }
    }
    for (const p of declared) {
      if (!names.includes(p.name)) problems.push(`${method} ${path}: ${p.name} is not in the path`);
    }
  }
}

// 3. Strict compilation. Component schemas refer to each other as
// #/components/schemas/X: gather them under $defs of one schema.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const schemas = doc.components?.schemas ?? {};
const bundle = JSON.parse(JSON.stringify({
  $id: 'urn:medallion:openapi',
  $defs: schemas,
}).replaceAll('"#/components/schemas/', '"#/$defs/'));
const validators = {};
try {
  ajv.addSchema(bundle);
  for (const name of Object.keys(schemas)) {
    validators[name] = ajv.getSchema(`urn:medallion:openapi#/$defs/${name}`);
  }
} catch (e) {
  problems.push(`components/schemas do not compile (Ajv 2020-12, strict): ${e.message}`);
}
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const method of methods) {
    for (const p of item[method]?.parameters ?? []) {
      try {
        new Ajv2020({ strict: true }).compile(p.schema);
      } catch (e) {
        problems.push(`${method} ${path}: the schema of ${p.name} does not compile: ${e.message}`);
      }
    }
  }
}

// 4. Examples.
let checked = 0;
if (examplesPath && Object.keys(validators).length > 0) {
  const examples = JSON.parse(readFileSync(examplesPath, 'utf-8'));
  for (const [name, { valid = [], invalid = [] }] of Object.entries(examples)) {
    const validate = validators[name];
    if (!validate) {
      problems.push(`no schema ${name} for the examples`);
      continue;
    }
    for (const instance of valid) {
      if (!validate(instance)) {
        problems.push(`${name} refuses ${JSON.stringify(instance)}: ` +
          ajv.errorsText(validate.errors));
      }
      ++checked;
    }
    for (const instance of invalid) {
      if (validate(instance)) problems.push(`${name} accepts ${JSON.stringify(instance)}`);
      ++checked;
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`openapi_validate: ${p}\n`);
  process.exit(1);
}
process.stdout.write(`openapi_validate: ok (OpenAPI ${doc.openapi}, ` +
  `${Object.keys(doc.paths ?? {}).length} paths, ${Object.keys(schemas).length} schemas, ` +
  `${checked} examples)\n`);
