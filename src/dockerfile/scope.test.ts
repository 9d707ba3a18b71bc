import { describe, expect, it } from 'vitest';
import { parse } from './parse.js';
import { parseCheckDirective, variablesAt } from './scope.js';

describe('variablesAt', () => {
  const src = [
    'ARG VERSION=20',
    'ARG TAG=${VERSION}-slim',
    'FROM node:${TAG} AS build',
    'ARG VERSION',
    'ARG ONLY_HERE=1',
    'ENV APP=/app PATH=/app/bin:$PATH',
    'RUN echo $VERSION $TAG',
    'FROM build AS test',
    'RUN echo $APP',
    '',
  ].join('\n');
  const df = parse(src);
  const names = (i: number): Record<string, string | null> => {
    const node = df.instructions[i];
    if (!node) throw new Error('no instruction');
    return Object.fromEntries([...variablesAt(df, node)].filter(([, v]) => v.kind !== 'builtin').map(([k, v]) => [k, v.value]));
  };

  it('gives FROM lines the global ARGs and the builtin platform ARGs', () => {
    const from = df.instructions[2];
    if (!from) throw new Error('no FROM');
    const scope = variablesAt(df, from);
    expect(scope.get('TAG')?.value).toBe('20-slim');
    expect(scope.get('TARGETARCH')?.kind).toBe('builtin');
  });

  it('scopes stage ARGs and ENVs from their declaration, re-declared globals take the global default', () => {
    expect(names(6)).toEqual({ VERSION: '20', ONLY_HERE: '1', APP: '/app', PATH: '/app/bin:' });
    expect(names(4)).toEqual({ VERSION: '20' });
  });

  it('passes ENV, not ARG, on to a stage built on another', () => {
    expect(names(8)).toEqual({ APP: '/app', PATH: '/app/bin:' });
  });
});

describe('parseCheckDirective', () => {
  it('reads skip lists and the error flag', () => {
    expect(parseCheckDirective('skip=JSONArgsRecommended,StageNameCasing;error=true')).toEqual({ skip: ['JSONArgsRecommended', 'StageNameCasing'], error: true, unknown: [] });
    expect(parseCheckDirective('skip=all')).toEqual({ skip: ['all'], error: false, unknown: [] });
  });
});
