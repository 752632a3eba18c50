/**
 * Solution markers (docs/assignments.md, "The marker format"). A reference solution lives in the
 * real source between marker lines, in the file's own line-comment syntax (`//` in TypeScript,
 * `#` in assembly):
 *
 *     // ASSIGNMENT trap-emulate BEGIN step 1: the Zicsr instructions
 *     …the solution, ordinary code…
 *     // ASSIGNMENT trap-emulate END
 *
 * What a region becomes in the starter lives with its assignment, not in the core
 * (`assignments/<name>/stubs/<source>.stub`, stubs.ts), found by the region's label; without one
 * the region becomes a single TODO comment. Export for assignment A replaces each of A's regions
 * by its stub; the regions of every other assignment keep their solution and lose their marker
 * lines.
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
  /** The solution's lines, without marker lines. */
  solution: string[];
}

/** Every marker region in a file's text, in order. Throws MarkerError on unbalanced markers. */
export function findRegions(text: string, file = '<text>'): MarkerRegion[] {
  const lines = text.split('\n');
  const regions: MarkerRegion[] = [];
  let open: { region: MarkerRegion } | null = null;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    const n = i + 1;
    if (!m) {
      open?.region.solution.push(line);
      return;
    }
    const [, , , name, verb, rest] = m as unknown as [string, string, string, string, string, string];
    if (verb === 'BEGIN') {
      if (open) throw new MarkerError(`${file}:${n}: ASSIGNMENT ${name} BEGIN inside the region of ${open.region.assignment} opened at line ${open.region.begin}`);
      open = { region: { assignment: name, label: rest.trim(), begin: n, end: 0, solution: [] } };
      return;
    }
    if (!open || open.region.assignment !== name) {
      throw new MarkerError(`${file}:${n}: ASSIGNMENT ${name} ${verb} without a matching BEGIN`);
    }
    if (verb === 'STUB') {
      throw new MarkerError(`${file}:${n}: starter code lives in assignments/${name}/stubs/${file}.stub, not in the source (docs/assignments.md)`);
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

/** The default stub of a region without a STUB section: one TODO comment. */
function defaultStub(region: MarkerRegion, indent: string, token: string): string[] {
  return [`${indent}${token} TODO(assignment ${region.assignment}${region.label ? `, ${region.label}` : ''})`];
}

/**
 * The text with `assignment`'s regions replaced by their stubs (by label; a TODO comment where
 * there is none) and every other assignment's regions reduced to their solutions (markers gone).
 * With assignment = null, every region keeps its solution (the reference, without markers).
 */
export function applyMarkers(text: string, assignment: string | null, file = '<text>', stubs: ReadonlyMap<string, readonly string[]> = new Map()): { text: string; stubbed: number } {
  const regions = findRegions(text, file); // validates the structure
  const labels = new Set(regions.filter((r) => r.assignment === assignment).map((r) => r.label));
  for (const label of stubs.keys()) {
    if (!labels.has(label)) throw new MarkerError(`${file}: a stub for "${label}", but no ASSIGNMENT ${assignment} region of that label`);
  }
  const out: string[] = [];
  let open: { region: MarkerRegion; indent: string; token: string } | null = null;
  let stubbed = 0;
  let next = 0;
  for (const line of text.split('\n')) {
    const m = MARKER.exec(line);
    if (!m) {
      if (!open || open.region.assignment !== assignment) out.push(line);
      continue;
    }
    const [, indent, token, , verb] = m as unknown as [string, string, string, string, string];
    if (verb === 'BEGIN') {
      open = { region: regions[next++] as MarkerRegion, indent, token };
    } else if (open) {
      if (open.region.assignment === assignment) {
        stubbed++;
        out.push(...(stubs.get(open.region.label) ?? defaultStub(open.region, open.indent, open.token)));
      }
      open = null;
    }
  }
  return { text: out.join('\n'), stubbed };
}

/** Whether a file's text contains any marker line at all (cheap pre-check). */
export function hasMarkers(text: string): boolean {
  return /ASSIGNMENT\s+[A-Za-z0-9_-]+\s+BEGIN/.test(text);
}
