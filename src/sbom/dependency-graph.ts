/**
 * The package dependency graph of an SBOM: how the OS package catalogers resolve a package's declared dependencies to
 * the installed packages (depends-on edges), the edges between listed packages, and which packages sit at the top of
 * the graph: what a document's root (the image or directory) directly holds.
 */
import type { Package, Relationship, Sbom } from './model.js';

/** One way a dependency can be met: a name, and whatever else an ecosystem's lookups read (dpkg: an architecture). */
export interface Alternative {
  readonly name: string;
}

/**
 * How one ecosystem finds the installed package an alternative names: a package of that name, else one that provides
 * it, else (for a path such as `/bin/sh`, where the ecosystem says) the package owning that file.
 */
export interface DependencyLookup<A extends Alternative> {
  byName(alt: A, from: Package): Package | undefined;
  byProvides(alt: A, from: Package): Package | undefined;
  byOwnedFile?(path: string): Package | undefined;
}

/**
 * Adds each package's depends-on edges and marks what is known. A dependency is a clause of alternatives, met by its
 * first alternative that resolves (Debian's `a | b`; apk and rpm name one). Versions are not compared: the package
 * manager keeps the installed set consistent. A package whose every clause resolves, or that has none, has its
 * dependencies known; one that names a package the image lacks does not. A package never depends on itself.
 */
export function linkDependencies<A extends Alternative>(
  relationships: Relationship[],
  clausesOf: ReadonlyMap<Package, readonly (readonly A[])[]>,
  lookup: DependencyLookup<A>,
): void {
  const resolve = (from: Package, alt: A): Package | undefined =>
    lookup.byName(alt, from) ?? lookup.byProvides(alt, from) ?? (alt.name.startsWith('/') ? lookup.byOwnedFile?.(alt.name) : undefined);
  for (const [pkg, clauses] of clausesOf) {
    const targets = new Set<string>();
    let resolved = true;
    for (const clause of clauses) {
      let target: Package | undefined;
      for (const alt of clause) {
        target = resolve(pkg, alt);
        if (target !== undefined) break;
      }
      if (target === undefined) resolved = false;
      else if (target !== pkg) targets.add(target.id);
    }
    for (const to of targets) relationships.push({ from: pkg.id, to, type: 'depends-on' });
    if (resolved) pkg.dependenciesKnown = true;
  }
}

/** Lookups that need no depending package: what a world file or a dependency names is found the same way. */
export interface InstalledLookup extends DependencyLookup<Alternative> {
  byName(alt: Alternative): Package | undefined;
  byProvides(alt: Alternative): Package | undefined;
  byOwnedFile(path: string): Package | undefined;
}

/**
 * Lookups over one database's packages by their own name, a name they provide and a file they own. Where two packages
 * claim a name or a path, the first listed wins (an installed database gives each to one package).
 */
export function installedLookup(providesOf: ReadonlyMap<Package, readonly string[]>): InstalledLookup {
  const byName = new Map<string, Package>();
  const provider = new Map<string, Package>();
  const owner = new Map<string, Package>();
  for (const [pkg, provides] of providesOf) {
    if (!byName.has(pkg.name)) byName.set(pkg.name, pkg);
    for (const n of provides) if (!provider.has(n)) provider.set(n, pkg);
    for (const f of pkg.files) if (!owner.has(f)) owner.set(f, pkg);
  }
  return {
    byName: (alt) => byName.get(alt.name),
    byProvides: (alt) => provider.get(alt.name),
    byOwnedFile: (path) => owner.get(path),
  };
}

/** Each listed package's depends-on targets (listed packages only); a package without edges has no key. */
export function dependencyEdges(sbom: Sbom): Map<string, Set<string>> {
  const listed = new Set(sbom.packages.map((p) => p.id));
  const edges = new Map<string, Set<string>>();
  for (const r of sbom.relationships) {
    if (r.type !== 'depends-on' || !listed.has(r.from) || !listed.has(r.to)) continue;
    const to = edges.get(r.from) ?? new Set<string>();
    to.add(r.to);
    edges.set(r.from, to);
  }
  return edges;
}

/**
 * Strongly connected components (Tarjan, iterative so that a long chain cannot overflow the stack): the number of
 * the component each node belongs to.
 */
function components(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let found = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; next: Iterator<string> }[] = [];
    const enter = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: (edges.get(node) ?? new Set<string>()).values() });
    };
    enter(start);
    for (let top = work.at(-1); top !== undefined; top = work.at(-1)) {
      const step = top.next.next();
      if (step.done !== true) {
        const to = step.value;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node) ?? 0, index.get(to) ?? 0));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(top.node) ?? 0));
      if (low.get(top.node) !== index.get(top.node)) continue;
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.set(member, found);
        if (member === top.node) break;
      }
      found += 1;
    }
  }
  return component;
}

/**
 * The packages at the top of the graph, in the order of `ids`: every package no other package depends on, and, for
 * a dependency cycle nothing outside it depends on (Debian's libc6 and libgcc-s1 name each other), the cycle's
 * first package in that order. Every package is then reachable from them, and none of them from another.
 */
export function topLevel(ids: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const component = components(ids, edges);
  const entered = new Set<number>();
  for (const [from, targets] of edges) {
    for (const to of targets) {
      const c = component.get(to);
      if (c !== undefined && c !== component.get(from)) entered.add(c);
    }
  }
  const chosen = new Set<number>();
  return ids.filter((id) => {
    const c = component.get(id);
    if (c === undefined || entered.has(c) || chosen.has(c)) return false;
    chosen.add(c);
    return true;
  });
}

/**
 * What the document's root (the image or directory) directly depends on, in package order: the top of the graph
 * (`topLevel`), so that every package is reachable from the root, and each package asked for by name (`explicit`:
 * apt's extended_states, apk's world), a direct requirement of the image even when other packages depend on it too.
 */
export function rootDependencies(sbom: Sbom, edges: ReadonlyMap<string, ReadonlySet<string>> = dependencyEdges(sbom)): string[] {
  const top = new Set(topLevel(sbom.packages.map((p) => p.id), edges));
  return sbom.packages.filter((p) => top.has(p.id) || p.explicit === true).map((p) => p.id);
}
