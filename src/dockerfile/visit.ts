/**
 * Walking instructions with per-keyword callbacks.
 */
import type { Dockerfile, Instruction, InstructionOf, InstructionVisitor, Keyword } from './ast.js';

/**
 * Call the visitor's callback for each instruction in source order. With `triggers`, an `ONBUILD`'s trigger
 * instruction is visited too, right after its `ONBUILD`.
 */
export function visitInstructions(df: Dockerfile, visitor: InstructionVisitor, options: { triggers?: boolean } = {}): void {
  const call = <K extends Keyword>(node: InstructionOf<K>): void => {
    const fn = visitor[node.keyword];
    if (fn) fn(node);
  };
  const each = (node: Instruction): void => {
    call(node);
    if (options.triggers && node.keyword === 'Onbuild' && node.trigger) call(node.trigger);
  };
  for (const node of df.instructions) each(node);
}
