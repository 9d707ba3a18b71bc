/** The shell AST of RUN bodies. */
export type * from './ast.js';
export { parseShell, type ShellPlacement } from './parse.js';
export { walkCommands, allCommands, findCommands, allInvocations, type Invocation } from './query.js';
