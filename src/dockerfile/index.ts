/** The Dockerfile parser: parse → AST with exact source ranges → print; range edits; variable expansion; RUN shell ASTs. */
export type * from './ast.js';
export { parse } from './parse.js';
export { visitInstructions } from './visit.js';
export { readDockerfile, maxDockerfileBytes } from './read.js';
export { print, applyEdits, unownedText, type TextEdit, type ApplyEditsResult } from './print.js';
export { expand, isUnicodeSpace, type ExpandOptions, type ExpandResult, type ExpandedWord } from './expand.js';
export { dump, dumpInstruction } from './dump.js';
export { parseMount } from './mount.js';
export * from './shell/index.js';
export { variablesAt, parseCheckDirective, builtinArgs, proxyArgs, type Variable, type CheckDirective } from './scope.js';
