// `npm run extract -- <file.json>`: runs the [](Qn) extraction on an exported conversation,
// a JSON array of {role, text, createdAt}, so a customer can check their tagging.
import { readFileSync } from "node:fs";
import { checkExport } from "../qualification/check-export.ts";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: npm run extract -- <conversation.json>\n");
  process.exit(2);
}
let text: string;
try {
  text = readFileSync(file, "utf8");
} catch {
  process.stderr.write(`extract: cannot read ${file}\n`);
  process.exit(2);
}
const result = checkExport(text);
if (!result.ok) {
  process.stderr.write(`extract: ${file}: ${result.error}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(result.extraction, null, 2)}\n`);
