// Read a PDF with pdf.js (pdfjs-dist, the reader of Firefox), for the tests: what it extracts.
// Usage: node tests/pdfjs_read.mjs FILE.pdf; prints JSON on stdout, one entry per page:
// text items (string, end of line, position), link annotations (rectangle, address, contents)
// and the structure tree pdf.js builds for the page.
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const data = new Uint8Array(await readFile(process.argv[2]));
const document = await getDocument({ data, verbosity: 0, isEvalSupported: false }).promise;
const pages = [];
for (let number = 1; number <= document.numPages; number++) {
  const page = await document.getPage(number);
  const content = await page.getTextContent({ includeMarkedContent: true });
  const items = content.items.map((item) => item.type === undefined
    ? { str: item.str, eol: item.hasEOL, x: item.transform[4], y: item.transform[5], width: item.width,
        height: item.height }
    : { marked: item.type, id: item.id ?? null, tag: item.tag ?? null });
  const annotations = (await page.getAnnotations()).filter((a) => a.subtype === "Link").map((a) => ({
    rect: a.rect, url: a.url ?? null, dest: a.dest ?? null, contents: a.contentsObj?.str ?? "",
  }));
  pages.push({ items, annotations, structure: await page.getStructTree() });
}
process.stdout.write(JSON.stringify(pages));
