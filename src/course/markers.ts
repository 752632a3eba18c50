/**
 * Solution markers (docs/assignments.md, "The marker format"). A reference solution lives in the
 * real source between marker lines, in the file's own line-comment syntax (`//` in TypeScript,
 * `#` in assembly):
 *
 *     // ASSIGNMENT trap-emulate BEGIN step 1: the Zicsr instructions
 *     …the solution, ordinary code…
 *     // ASSIGNMENT trap-emulate STUB
 *     // …the starter code, commented out: export removes one comment token from each line…
 *     // ASSIGNMENT trap-emulate END
 *
 * The STUB section is optional (without one the region becomes a single TODO comment). Export
 * for assignment A replaces each of A's regions by its stub, uncommented; the regions of every
 * other assignment keep their solution and lose their marker lines and stub.
 */

export class MarkerError extends Error {}

const MARKER = /^(\s*)(\/\/|#)\s*ASSIGNMENT\s+([A-Za-z0-9_-]+)\s+(BEGIN|STUB|END)\b\s*(.*)$/;

export interface MarkerRegion {
  assignment: string;
  /** What the BEGIN line says after BEGIN (the step it solves). */
  label: string;
  /** 1-based line numbers of the BEGIN and END lines. */
  begin: number;
  end: number;
  /** The solution's lines and the stub's lines (uncommented), without marker lines. */
  solution: string[];
  stub: string[] | null;
}

/** Every marker region in a file's text, in order. Throws MarkerError on unbalanced markers. */
export function findRegions(text: string, file = '<text>'): MarkerRegion[] {
  const lines = text.split('\n');
  const regions: MarkerRegion[] = [];
  let open: { region: MarkerRegion; token: string; inStub: boolean } | null = null;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    const n = i + 1;
    if (!m) {
      if (open) {
        if (open.inStub) open.region.stub?.push(uncomment(line, open.token, file, n));
        else open.region.solution.push(line);
      }
      return;
    }
    const [, , token, name, verb, rest] = m as unknown as [string, string, string, string, string, string];
    if (verb === 'BEGIN') {
      if (open) throw new MarkerError(`${file}:${n}: ASSIGNMENT ${name} BEGIN inside the region of ${open.region.assignment} opened at line ${open.region.begin}`);
      open = { region: { assignment: name, label: rest.trim(), begin: n, end: 0, solution: [], stub: null }, token, inStub: false };
      return;
    }
    if (!open || open.region.assignment !== name) {
      throw new MarkerError(`${file}:${n}: ASSIGNMENT ${name} ${verb} without a matching BEGIN`);
    }
    if (verb === 'STUB') {
      if (open.inStub) throw new MarkerError(`${file}:${n}: a second STUB in the region opened at line ${open.region.begin}`);
      open.inStub = true;
      open.region.stub = [];
      return;
    }
    open.region.end = n;
    regions.push(open.region);
    open = null;
  });
  if (open) {
    const o = open as { region: MarkerRegion };
    throw new MarkerError(`${file}:${o.region.begin}: ASSIGNMENT ${o.region.assignment} BEGIN has no END`);
  }
  return regions;
}

function uncomment(line: string, token: string, file: string, n: number): string {
  if (line.trim() === '') return '';
  const m = /^(\s*)(\/\/|#)( ?)(.*)$/.exec(line);
  if (!m || m[2] !== token) throw new MarkerError(`${file}:${n}: a STUB line must be commented out with "${token}" (it is code only in the exported starter)`);
  return `${m[1]}${m[4]}`;
}

/** The default stub of a region without a STUB section: one TODO comment. */
function defaultStub(region: MarkerRegion, indent: string, token: string): string[] {
  return [`${indent}${token} TODO(assignment ${region.assignment}${region.label ? `, ${region.label}` : ''})`];
}

/**
 * The text with `assignment`'s regions replaced by their stubs and every other assignment's
 * regions reduced to their solutions (markers and stubs gone). With assignment = null, every
 * region keeps its solution (the reference, without markers).
 */
export function applyMarkers(text: string, assignment: string | null, file = '<text>'): { text: string; stubbed: number } {
  findRegions(text, file); // validates the structure
  const lines = text.split('\n');
  const out: string[] = [];
  let open: { name: string; token: string; indent: string; label: string; inStub: boolean; stubLines: string[] | null; n: number } | null = null;
  let stubbed = 0;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      if (!open) { out.push(line); return; }
      const target = open.name === assignment;
      if (open.inStub) {
        if (target) open.stubLines?.push(uncomment(line, open.token, file, i + 1));
      } else if (!target) {
        out.push(line);
      }
      return;
    }
    const [, indent, token, name, verb, rest] = m as unknown as [string, string, string, string, string, string];
    if (verb === 'BEGIN') {
      open = { name, token, indent, label: rest.trim(), inStub: false, stubLines: null, n: i + 1 };
    } else if (verb === 'STUB' && open) {
      open.inStub = true;
      open.stubLines = [];
    } else if (verb === 'END' && open) {
      if (open.name === assignment) {
        stubbed++;
        const region: MarkerRegion = { assignment: open.name, label: open.label, begin: open.n, end: i + 1, solution: [], stub: open.stubLines };
        out.push(...(open.stubLines ?? defaultStub(region, open.indent, open.token)));
      }
      open = null;
    }
  });
  return { text: out.join('\n'), stubbed };
}

/** Whether a file's text contains any marker line at all (cheap pre-check). */
export function hasMarkers(text: string): boolean {
  return /ASSIGNMENT\s+[A-Za-z0-9_-]+\s+BEGIN/.test(text);
}
