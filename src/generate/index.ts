/** The generate engine: project detection and the Dockerfile and `.dockerignore` generators. */
export { detectApp, detectors, discoverApps, NoAppError, SeveralAppsError } from './detect.js';
export { excludedBy, generateDockerignore, secretPatterns } from './dockerignore.js';
export { execForm, mapBase } from './dockerfile-writer.js';
export { generateFiles, type GeneratedFiles, type GenerateOptions } from './generate.js';
export type * from './types.js';
export { findWorkspace, type FoundWorkspace } from './ecosystems/node/workspace.js';
export { detectAppForBuild, type EnclosingWorkspace, ProjectFolderError, WorkspaceMemberError, type WorkspaceMembership } from './workspace-member.js';
export { actionVersions, generateWorkflow, type WorkflowOptions } from './github-workflow.js';
export { generateDeployment, imagePlaceholder, kubernetesName, runtimeFacts, type DeploymentOptions, type GeneratedDeployment, type WritablePath } from './kubernetes.js';
