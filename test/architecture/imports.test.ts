/**
 * The shape of the code, checked: the folders of src/ are layers (DESIGN.md §1) and a lower
 * layer never imports a higher one; no file takes part in an import cycle; the hypervisor
 * neither reaches the assembler nor builds guest images (a VM receives an image). Imports are
 * read from the source text, type-only ones included: a type import is a dependency too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Lowest first. A file may import its own layer and those before it. */
const LAYERS = ['util', 'fs', 'isa', 'abi', 'asm', 'machine', 'guest', 'hypervisor', 'harness', 'report', 'course', 'cli'] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** src-relative path → the src-relative paths it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
      if (target.startsWith(SRC)) deps.push(relative(SRC, target));
    }
    graph.set(relative(SRC, file), deps);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v) as number, low.get(w) as number)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop() as string; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

function reachable(graph: Map<string, string[]>, from: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...from];
  while (todo.length > 0) {
    const v = todo.pop() as string;
    if (seen.has(v)) continue;
    seen.add(v);
    todo.push(...(graph.get(v) ?? []));
  }
  return seen;
}

const layerOf = (file: string): string => file.split('/')[0] as string;

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has every file in a known layer', () => {
    const unknown = [...graph.keys()].filter((f) => !(LAYERS as readonly string[]).includes(layerOf(f)));
    expect(unknown).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('never imports from a higher layer', () => {
    const rank = (f: string): number => LAYERS.indexOf(layerOf(f) as (typeof LAYERS)[number]);
    const upward = [...graph].flatMap(([file, deps]) => deps.filter((d) => rank(d) > rank(file)).map((d) => `${file} → ${d}`));
    expect(upward).toEqual([]);
  });

  it('keeps the hypervisor away from the assembler and the image builder', () => {
    const hypervisor = [...graph.keys()].filter((f) => layerOf(f) === 'hypervisor');
    const reached = [...reachable(graph, hypervisor)].filter((f) => layerOf(f) === 'asm' || f === 'guest/image.ts' || f === 'guest/native.ts');
    expect(reached).toEqual([]);
  });
});
