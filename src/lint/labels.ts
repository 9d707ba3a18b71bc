/** The labels an image gets from its final stage and the stages that stage builds on (LABEL is inherited). */
import type { Dockerfile, KeyValuePair, Stage } from '../dockerfile/index.js';

export interface StageLabel {
  key: string;
  value: string;
  pair: KeyValuePair;
}

/** A key or value as BuildKit stores it: surrounding quotes removed. */
export function unquoteLabel(text: string): string {
  return text.replace(/^(["'])(.*)\1$/s, '$2');
}

/** The LABEL pairs of `stage` and of the stages it builds on (`FROM base`), earliest first. */
export function labelsOf(df: Dockerfile, stage: Stage): StageLabel[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s && chain.length < 100 && !chain.includes(s); s = s.baseStage === null ? undefined : df.stages[s.baseStage]) chain.unshift(s);
  const out: StageLabel[] = [];
  for (const s of chain) {
    for (const ins of s.instructions) {
      if (ins.keyword !== 'Label') continue;
      for (const pair of ins.pairs) out.push({ key: unquoteLabel(pair.key.value), value: unquoteLabel(pair.value.value), pair });
    }
  }
  return out;
}
