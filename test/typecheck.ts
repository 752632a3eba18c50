/**
 * The type errors `tsc -p tsconfig.check.json` reports in a tree, computed in-process with
 * TypeScript's builder API, so that checking several exports of one checkout costs little more
 * than checking the checkout once.
 *
 * Every tree is compiled as if it stood at the checkout's own path, with each file's text read
 * from the tree (a file the tree lacks does not exist). Each program starts from the previous
 * one: a file whose text did not change is neither parsed nor checked again, and a changed file
 * re-checks the files that import it only when the types it exports changed. The answer is the
 * one tsc gives in the tree; only the work differs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import ts from 'typescript';

const CONFIG = 'tsconfig.check.json';

/** "file: TSnnnn: message", or "file(line,column): …" with positions (which two trees that
 *  differ elsewhere in a file do not share). */
function describe(d: ts.Diagnostic, base: string, positions = false): string {
  let where = d.file ? relative(base, d.file.fileName) : '(global)';
  if (positions && d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    where += `(${line + 1},${character + 1})`;
  }
  return `${where}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

export class TypeChecker {
  private previous: ts.SemanticDiagnosticsBuilderProgram | undefined;
  private readonly parsed = new Map<string, ts.SourceFile>();

  /** @param checkout the path every tree is compiled at (its own node_modules are used). */
  constructor(private readonly checkout: string) {}

  /** The tree's type errors, as "file: TSnnnn: message" lines ("file(line,column): …" with
   *  `positions`). */
  errors(tree: string, positions = false): Set<string> {
    const toTree = (p: string): string | undefined => {
      const r = relative(this.checkout, p);
      if (r.startsWith('..') || isAbsolute(r) || r === 'node_modules' || r.startsWith(`node_modules/`)) return undefined;
      return join(tree, r);
    };
    const fromTree = (p: string): string => join(this.checkout, relative(tree, p));
    const read = (p: string): string | undefined => ts.sys.readFile(toTree(p) ?? p);
    const config = ts.getParsedCommandLineOfConfigFile(join(this.checkout, CONFIG), {}, {
      ...ts.sys,
      fileExists: (p) => ts.sys.fileExists(toTree(p) ?? p),
      readFile: read,
      readDirectory: (dir, ext, exclude, include, depth) => ts.sys.readDirectory(toTree(dir) ?? dir, ext, exclude, include, depth).map(fromTree),
      onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(describe(d, this.checkout)); },
    });
    if (!config) throw new Error(`${tree}: cannot read ${CONFIG}`);
    const host = this.host(config.options, toTree);
    const program = ts.createSemanticDiagnosticsBuilderProgram(config.fileNames, config.options, host, this.previous);
    this.previous = program;
    const all = [
      ...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
      ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(),
    ];
    return new Set(all.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => describe(d, this.checkout, positions)));
  }

  /** A compiler host that reads the checkout's paths from the tree, and reuses parsed files. */
  private host(options: ts.CompilerOptions, toTree: (p: string) => string | undefined): ts.CompilerHost {
    const host = ts.createCompilerHost(options);
    const real = { fileExists: host.fileExists.bind(host), readFile: host.readFile.bind(host) };
    host.fileExists = (p) => { const t = toTree(p); return t === undefined ? real.fileExists(p) : existsSync(t); };
    host.readFile = (p) => { const t = toTree(p); return t === undefined ? real.readFile(p) : ts.sys.readFile(t); };
    host.getSourceFile = (fileName, languageVersion) => {
      const text = host.readFile(fileName);
      if (text === undefined) return undefined;
      const known = this.parsed.get(fileName);
      if (known && known.text === text) return known;
      const sf = ts.createSourceFile(fileName, text, languageVersion);
      // The builder tells files apart by version: the text's hash.
      (sf as ts.SourceFile & { version: string }).version = createHash('sha1').update(text).digest('hex');
      this.parsed.set(fileName, sf);
      return sf;
    };
    return host;
  }
}
