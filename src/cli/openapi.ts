// `npm run openapi`: writes the OpenAPI descriptions generated from the zod schemas into
// src/openapi/generated/ (served as they are, so the Worker carries no generator);
// `--check` fails when they are stale.
import { readFileSync, writeFileSync } from "node:fs";
import { adminDocument } from "../openapi/admin.ts";
import { deflectionDocument } from "../openapi/deflection.ts";
import { escalationDocument } from "../openapi/escalation.ts";

const DIR = new URL("../openapi/generated/", import.meta.url).pathname;
const check = process.argv.includes("--check");
let stale = 0;
for (const [file, doc] of [["admin.json", adminDocument()], ["escalation.json", escalationDocument()], ["deflection.json", deflectionDocument()]] as const) {
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const path = `${DIR}${file}`;
  if (!check) writeFileSync(path, text);
  else if (readFileSync(path, "utf8") !== text) {
    stale++;
    process.stderr.write(`${path} is stale: run npm run openapi\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
