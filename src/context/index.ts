/** The context engine: the build context as the engine receives it. */
export { analyzeContext, type ContextEntry, type ContextOptions, type ContextReport, type CopyBreak, isSecretName, type SizeCount, type Suggestion, type SuggestionReason } from './context.js';
export { mergeDockerignore, type MergedIgnore, type MergeIgnoreOptions } from './merge-ignore.js';
