/**
 * The merged filesystem: layers applied in order with overlay semantics (OCI image-spec layer.md,
 * "Whiteouts"): a `.wh.<name>` marker deletes `<name>` from lower layers, an opaque marker `.wh..wh..opq`
 * hides every lower-layer child of its directory, a later entry replaces an earlier one at the same path,
 * and a non-directory replacing a directory takes the directory's subtree with it. Each removal is recorded
 * so that analyzers can account for every byte the layers ship but the final filesystem does not show.
 */
import { baseName, cleanPath, joinPath, parentOf } from './paths.js';
import type { Deletion, FileEntry, FileResolver, LayerChanges, LayerFiles, RemovalCause, RemovedEntry } from './types.js';

interface Node {
  entry: FileEntry;
  children: Map<string, Node> | undefined;
}

const maxHops = 40;

function impliedDir(path: string, layer: number): FileEntry {
  return { path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, layer };
}

export class MergedTree implements FileResolver {
  private readonly root: Node = { entry: impliedDir('/', -1), children: new Map() };
  private readonly bodies = new Map<string, Buffer>();
  private entryCount = 0;
  private totalSize = 0;
  /** The directory the last entry went into: entries of a tar come folder by folder, so it is usually the next one's. */
  private lastDir: { path: string; node: Node } | undefined;
  /** Entries that were written but are not visible any more, in the order they were removed. */
  readonly removed: RemovedEntry[] = [];
  readonly deletions: Deletion[] = [];
  /** Per layer: entries it added (new paths), modified (paths that existed below) and deleted from lower layers. */
  readonly changes: LayerChanges[] = [];
  /** Hardlink nodes by the path they name: the other names of a file's content. */
  private readonly links = new Map<string, Node[]>();
  /** Every node a removal took out of the tree. */
  private readonly gone = new WeakSet<Node>();
  /**
   * Names that took over a hardlinked file's content, each with the scan's own entry of that content: a digest the
   * scan fills in later (a large file hashed in a second read) reaches them through `settleDigests`.
   */
  private readonly heirs = new Map<FileEntry, FileEntry>();

  get count(): number {
    return this.entryCount;
  }

  get size(): number {
    return this.totalSize;
  }

  /** Applies one layer on top of what is there; `bodies` holds the small files the scan kept, by path. */
  apply(layer: LayerFiles, bodies?: ReadonlyMap<string, Buffer>): void {
    const n = layer.index;
    const changes: LayerChanges = { added: { files: 0, bytes: 0 }, modified: { files: 0, bytes: 0 }, deleted: { files: 0, bytes: 0 } };
    this.changes[n] = changes;
    // Markers act on lower layers only, so they apply before this layer's own entries.
    for (const dir of layer.opaqueDirs) {
      const node = this.node(dir);
      let files = 0;
      let bytes = 0;
      if (node?.children) {
        for (const child of node.children.values()) {
          const r = this.removeSubtree(child, n, 'opaque');
          files += r.files;
          bytes += r.bytes;
        }
        node.children.clear();
      }
      changes.deleted.files += files;
      changes.deleted.bytes += bytes;
      this.deletions.push({ path: dir, layer: n, kind: 'opaque', wasDir: node ? node.entry.type === 'dir' : undefined, files, bytes });
    }
    for (const path of layer.whiteouts) {
      const node = this.node(path);
      if (!node) {
        this.deletions.push({ path, layer: n, kind: 'whiteout', wasDir: undefined, files: 0, bytes: 0 });
        continue;
      }
      const r = this.removeSubtree(node, n, 'whiteout');
      this.node(parentOf(path))?.children?.delete(baseName(path));
      changes.deleted.files += r.files;
      changes.deleted.bytes += r.bytes;
      this.deletions.push({ path, layer: n, kind: 'whiteout', wasDir: node.entry.type === 'dir', ...r });
    }
    for (const entry of layer.entries) {
      const kind = this.add(entry, n);
      changes[kind].files += 1;
      changes[kind].bytes += entry.size;
      const body = bodies?.get(entry.path);
      if (body) this.bodies.set(entry.path, body);
      else this.bodies.delete(entry.path);
    }
  }

  private add(entry: FileEntry, layer: number): 'added' | 'modified' {
    if (entry.path === '/') {
      if (entry.type === 'dir') this.root.entry = entry;
      return 'modified';
    }
    const parent = this.ensureDir(parentOf(entry.path), layer);
    const children = parent.children ?? new Map<string, Node>();
    parent.children = children;
    const name = baseName(entry.path);
    const existing = children.get(name);
    if (existing) {
      if (existing.entry.type === 'dir' && entry.type === 'dir') {
        // a directory over a directory changes its metadata and keeps its content
        existing.entry = entry;
        return 'modified';
      }
      if (existing.entry.type === 'dir') this.removeSubtree(existing, layer, 'replaced');
      else this.removeSubtree(existing, layer, 'overwritten');
    }
    const node: Node = { entry, children: entry.type === 'dir' ? new Map() : undefined };
    children.set(name, node);
    if (entry.type === 'hardlink' && entry.linkTarget !== undefined) this.links.set(entry.linkTarget, [...(this.links.get(entry.linkTarget) ?? []), node]);
    this.entryCount += 1;
    this.totalSize += entry.size;
    return existing ? 'modified' : 'added';
  }

  /** The directory node at `path`, creating implied directories and replacing non-directories in the way. */
  private ensureDir(path: string, layer: number): Node {
    if (path === '/') return this.root;
    if (this.lastDir?.path === path) return this.lastDir.node;
    const node = this.makeDir(path, layer);
    this.lastDir = { path, node };
    return node;
  }

  private makeDir(path: string, layer: number): Node {
    const parent = this.ensureDir(parentOf(path), layer);
    const children = parent.children ?? new Map<string, Node>();
    parent.children = children;
    const name = baseName(path);
    const existing = children.get(name);
    if (existing?.entry.type === 'dir') return existing;
    if (existing) this.removeSubtree(existing, layer, 'replaced');
    const node: Node = { entry: impliedDir(path, layer), children: new Map() };
    children.set(name, node);
    this.entryCount += 1;
    return node;
  }

  /** Records a node and everything under it as removed; the caller unlinks it from its parent. */
  private removeSubtree(node: Node, by: number, cause: RemovalCause): { files: number; bytes: number } {
    // the cached directory may be in the removed subtree
    this.lastDir = undefined;
    let files = 0;
    let bytes = 0;
    const stack: Node[] = [node];
    const linked: { node: Node; at: number }[] = [];
    for (let current = stack.pop(); current; current = stack.pop()) {
      files += 1;
      bytes += current.entry.size;
      this.gone.add(current);
      if (current.entry.type === 'file' && this.links.has(current.entry.path)) linked.push({ node: current, at: this.removed.length });
      else this.bodies.delete(current.entry.path);
      this.removed.push({ entry: current.entry, by, cause });
      if (current.children) for (const child of current.children.values()) stack.push(child);
    }
    // a file whose content another name still shows (a hardlink outside what is removed) is not hidden: that name
    // becomes the file, and the bytes stay visible
    for (const { node: file, at } of linked) {
      const names = (this.links.get(file.entry.path) ?? []).filter((n) => !this.gone.has(n) && n.entry.layer >= file.entry.layer);
      this.links.delete(file.entry.path);
      const [heir, ...others] = names;
      if (!heir) continue;
      // the name keeps the content's layer: those bytes shipped there, not in the layer that wrote the link
      heir.entry = { ...file.entry, path: heir.entry.path };
      this.heirs.set(heir.entry, this.heirs.get(file.entry) ?? file.entry);
      const body = this.bodies.get(file.entry.path);
      if (body) this.bodies.set(heir.entry.path, body);
      for (const other of others) other.entry = { ...other.entry, linkTarget: heir.entry.path };
      if (others.length > 0) this.links.set(heir.entry.path, others);
      this.removed[at] = { ...(this.removed[at] as RemovedEntry), entry: { ...file.entry, size: 0 } };
      bytes -= file.entry.size;
    }
    for (const current of linked) this.bodies.delete(current.node.entry.path);
    this.entryCount -= files;
    this.totalSize -= bytes;
    return { files, bytes };
  }

  /** Gives every name that took over a hardlinked file's content the digest the scan has since found for it. */
  settleDigests(): void {
    for (const [heir, origin] of this.heirs) if (heir.digest === undefined && origin.digest !== undefined) Object.assign(heir, { digest: origin.digest });
  }

  private node(path: string): Node | undefined {
    let current: Node | undefined = this.root;
    for (const part of cleanPath(path).split('/')) {
      if (part === '') continue;
      current = current.children?.get(part);
      if (!current) return undefined;
    }
    return current;
  }

  *entries(): IterableIterator<FileEntry> {
    const stack: Node[] = [this.root];
    for (let current = stack.pop(); current; current = stack.pop()) {
      if (current !== this.root) yield current.entry;
      // depth first in the order entries were written (tar order): parents before children, no sorting cost
      if (current.children) {
        const kids = [...current.children.values()];
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Node);
      }
    }
  }

  get(path: string): FileEntry | undefined {
    return this.node(path)?.entry;
  }

  resolve(path: string): FileEntry | undefined {
    return this.walk(cleanPath(path), 0)?.entry;
  }

  /** Component-by-component lookup that follows symlinks in directories and at the end, clamped at the root. */
  private walk(path: string, hops: number): Node | undefined {
    if (hops > maxHops) return undefined;
    let current: Node = this.root;
    let currentPath = '/';
    const parts = path.split('/').filter((p) => p !== '');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      const next = current.children?.get(part);
      if (!next) return undefined;
      const rest = parts.slice(i + 1).join('/');
      if (next.entry.type === 'symlink' && next.entry.linkTarget !== undefined) {
        const target = next.entry.linkTarget.startsWith('/') ? next.entry.linkTarget : joinPath(currentPath, next.entry.linkTarget);
        return this.walk(cleanPath(rest ? `${target}/${rest}` : target), hops + 1);
      }
      if (next.entry.type === 'hardlink' && next.entry.linkTarget !== undefined) {
        if (rest) return undefined;
        return this.walk(next.entry.linkTarget, hops + 1);
      }
      current = next;
      currentPath = next.entry.path;
    }
    return current;
  }

  children(path: string): FileEntry[] {
    const node = this.walk(cleanPath(path), 0);
    if (!node?.children) return [];
    return [...node.children.values()].map((c) => c.entry).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  body(path: string): Buffer | undefined {
    const entry = this.resolve(path);
    return entry ? this.bodies.get(entry.path) : undefined;
  }
}
