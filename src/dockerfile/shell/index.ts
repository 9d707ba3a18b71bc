/** The shell AST of RUN bodies, and a package.json start script read as one node command. */
export type * from './ast.js';
export { parseShell, type ShellPlacement } from './parse.js';
export { walkCommands, allCommands, findCommands, allInvocations, type Invocation } from './query.js';
export { forImage, looksSecret, parseStartScript, preloadsOf, withoutPreloads, type ImageStart, type NodeStart, type StartScript } from './node-start.js';
