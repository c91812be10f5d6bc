// Compile every JSON Schema in a folder with ajv 8 (JSON Schema 2020-12) in strict mode.
// Usage: node ajv_strict.js SCHEMA_DIR. Prints one line per problem; exit 0 when all compile.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const folder = process.argv[2];
const names = fs.readdirSync(folder).filter((n) => n.endsWith(".schema.json")).sort();
const problems = [];
// strict: true turns strictTypes, strictTuples and strictRequired into errors too.
const ajv = new Ajv2020({ strict: true, allErrors: true, logger: false });
addFormats(ajv);
const schemas = {};
for (const name of names) {
  schemas[name] = JSON.parse(fs.readFileSync(path.join(folder, name), "utf8"));
  try {
    ajv.addSchema(schemas[name]); // every schema first, so $refs across files resolve
  } catch (err) {
    problems.push(`${name}: ${err.message}`);
  }
}
for (const name of names) {
  try {
    ajv.getSchema(schemas[name].$id);
  } catch (err) {
    problems.push(`${name}: ${err.message}`);
  }
}
for (const p of problems) console.log(p);
console.log(`${names.length} schemas, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
