// Fill form fields with pdf.js (pdfjs-dist, pinned in package-lock.json) and save, as Firefox does.
// Usage: node tests/pdf/fill_pdfjs.mjs IN.pdf OUT.pdf '{"field name": "text" | true | false}'
// A locked file's password comes from the environment (PDF_PASSWORD), never the command line.
// Prints, as JSON, the fields pdf.js found: name, type, tooltip (what it reads out) and page.
import { readFile, writeFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [input, output, valuesJson] = process.argv.slice(2);
const values = JSON.parse(valuesJson || "{}");
const doc = await getDocument({ data: new Uint8Array(await readFile(input)), verbosity: 0,
                                password: process.env.PDF_PASSWORD }).promise;
const found = [];
for (let number = 1; number <= doc.numPages; number++) {
  const page = await doc.getPage(number);
  for (const annotation of await page.getAnnotations()) {
    if (annotation.subtype !== "Widget") continue;
    const type = annotation.checkBox ? "checkbox" : annotation.fieldType === "Tx" ? "text" : annotation.fieldType;
    found.push({ name: annotation.fieldName, type, tooltip: annotation.alternativeText ?? null, page: number,
                 multiLine: annotation.multiLine ?? false });
    if (annotation.fieldName in values) {
      doc.annotationStorage.setValue(annotation.id, { value: values[annotation.fieldName] });
    }
  }
}
const missing = Object.keys(values).filter((name) => !found.some((field) => field.name === name));
if (missing.length) {
  console.error(`no such field: ${missing.join(", ")}`);
  process.exit(1);
}
await writeFile(output, await doc.saveDocument());
await doc.destroy();
console.log(JSON.stringify(found));
