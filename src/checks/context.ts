/**
 * Per-evaluation state shared by the check evaluators: the snapshot, its layout (service units
 * and path roles, computed once), the unit being evaluated and its stack, and caches of blanked
 * and parsed file texts so twenty checks over the same files cost one parse each. A check only
 * sees paths of its unit (and shared paths outside every unit) whose role says something about
 * production: service code, deployment manifests and CI; tests and tooling when it asks.
 */
import type { Rule } from '../guidelines/index.js';
import type { Report, Snapshot } from './types.js';
import type { Stack } from './detect-stack.js';
import { blankComments, findMatches, type Hit } from './find-matches.js';
import { parseStructured, type ParsedFile } from './parse-structured.js';
import { findUnits, type RepoLayout, type ServiceUnit } from './find-units.js';
import { PRODUCTION_ROLES, WITH_TEST_ROLES, type PathRole } from './classify-role.js';
import { extensionOf, globMatcher, simpleGlobs } from './match-glob.js';
import { asList } from './check-schema.js';

export interface FileSelector {
  files: string | string[];
  exclude?: string | string[] | undefined;
  includeTests?: boolean | undefined;
  onlyFilesContaining?: string | undefined;
  forUnitByName?: boolean | undefined;
}

interface Shared {
  snapshot: Snapshot;
  reports: readonly Report[];
  layout: RepoLayout;
  blanked: Map<string, string>;
  parsed: Map<string, ParsedFile>;
  pathSet: Set<string>;
  /** nearbyNamesUnit answers by unit and folder. */
  named: Map<string, boolean>;
  /**
   * namesUnit's expression by unit (null: every text names it), built once per scan, and its
   * answers by file (a file under nested folders is asked once per unit, not once per folder).
   */
  unitNames: Map<string, { re: RegExp | null; byPath: Map<string, boolean> }>;
  /**
   * findMatches answers by text variant (raw or comments blanked), expression and ignoreIf, then
   * by file: shared by every check and unit of a scan that asks the same of the same file.
   */
  matches: Map<RegExp, Map<RegExp | undefined, Map<string, Hit[]>>>;
  /** The snapshot's paths sorted, so the files under a folder are one range of them. */
  sortedPaths?: string[];
  /** Each snapshot path's role and unit, by index: looked up once per scan, not once per unit. */
  placed?: { roles: PathRole[]; owners: (ServiceUnit | undefined)[] };
  /**
   * select() answers by unit and selector: most checks share a handful of globs (all Python files),
   * matching every path against them once per scan, not once per check, is most of a text scan.
   */
  selected: Map<string, string[]>;
  /** anyContains answers by unit, selector and pattern (applies-when conditions repeat). */
  contains: Map<string, boolean>;
}

/** A unit's visible paths by extension and by file name, as indices into them (in order). */
interface PathIndex {
  byExtension: Map<string, number[]>;
  byName: Map<string, number[]>;
}

export class EvalContext {
  private readonly shared: Shared;
  /**
   * Paths of this unit and shared paths, vendored trees left out: computed on first use, in an
   * object the rule views of this unit (forRule) share.
   */
  private readonly unitPaths: { visible?: string[]; index?: PathIndex } = {};

  constructor(
    snapshot: Snapshot,
    reports: readonly Report[],
    readonly rule?: Rule,
    readonly unit?: ServiceUnit,
    shared?: Shared,
  ) {
    this.shared = shared ?? {
      snapshot,
      reports,
      layout: findUnits(snapshot),
      blanked: new Map(),
      parsed: new Map(),
      pathSet: new Set(snapshot.paths),
      named: new Map(),
      unitNames: new Map(),
      matches: new Map(),
      selected: new Map(),
      contains: new Map(),
    };
    this.unit ??= this.shared.layout.units[0];
  }

  /** Paths of this unit and shared paths, vendored trees left out. */
  private get visible(): string[] {
    if (this.unitPaths.visible) return this.unitPaths.visible;
    const layout = this.shared.layout;
    const { roles, owners } = (this.shared.placed ??= {
      roles: this.snapshot.paths.map((p) => layout.role(p).role),
      owners: this.snapshot.paths.map((p) => layout.unitOf(p)),
    });
    // CI pipelines and repository-level manifests serve every unit of the repository.
    this.unitPaths.visible = this.snapshot.paths.filter((_, i) => {
      const role = roles[i] as PathRole;
      if (role === 'vendored') return false;
      const owner = owners[i];
      if (owner === this.unit || role === 'ci') return true;
      // Outside every unit: manifests, tests and tooling are shared; code of no unit (a database
      // image's init SQL) belongs to none of several units.
      if (owner === undefined) return role !== 'service' || layout.units.length <= 1;
      return role === 'deploy' && owner.path === '.';
    });
    return this.unitPaths.visible;
  }

  get snapshot(): Snapshot {
    return this.shared.snapshot;
  }

  get reports(): readonly Report[] {
    return this.shared.reports;
  }

  get layout(): RepoLayout {
    return this.shared.layout;
  }

  forUnit(unit: ServiceUnit): EvalContext {
    return new EvalContext(this.snapshot, this.reports, this.rule, unit, this.shared);
  }

  forRule(rule: Rule): EvalContext {
    const ctx = Object.create(EvalContext.prototype) as EvalContext;
    Object.assign(ctx, this, { rule });
    return ctx;
  }

  get stack(): Stack {
    return (this.unit as ServiceUnit).stack;
  }

  /** Where a missing thing is reported: the unit's nearest build file. */
  get anchor(): string | undefined {
    return this.unit?.buildFiles[0] ?? this.snapshot.paths[0];
  }

  /** Visible production paths (service code, manifests, CI) of this unit. */
  productionPaths(): string[] {
    return this.cached(`production\u0000${this.unit?.path ?? '.'}`, () =>
      this.visible.filter((p) => PRODUCTION_ROLES.has(this.layout.role(p).role)),
    );
  }

  /**
   * Paths a selector picks: glob-matched, not excluded, in a production role (or test/tooling).
   * The answer is shared by every check of the scan with the same selector (read-only).
   */
  select(sel: FileSelector): readonly string[] {
    const key = [
      this.unit?.path ?? '.',
      asList(sel.files).join(','),
      asList(sel.exclude).join(','),
      sel.includeTests ? 't' : '',
      sel.onlyFilesContaining ?? '',
      sel.forUnitByName ? 'u' : '',
    ].join('\u0000');
    return this.cached(key, () => this.selectUncached(sel));
  }

  /** Whether any file a selector picks contains the pattern (comments blanked); cached per scan. */
  anyContains(files: string | string[], re: RegExp): boolean {
    const key = `${this.unit?.path ?? '.'}\u0000${asList(files).join(',')}\u0000${re.source}\u0000${re.flags}`;
    let hit = this.shared.contains.get(key);
    if (hit === undefined) {
      hit = this.select({ files }).some((p) => re.test(this.readCode(p) ?? ''));
      this.shared.contains.set(key, hit);
    }
    return hit;
  }

  private cached(key: string, compute: () => string[]): string[] {
    let paths = this.shared.selected.get(key);
    if (!paths) {
      paths = compute();
      this.shared.selected.set(key, paths);
    }
    return paths;
  }

  /**
   * The visible paths a selector's globs can match, in order: looked up by extension and file
   * name when the globs say no more than those, else all of them.
   */
  private candidates(globs: readonly string[]): readonly string[] {
    const simple = simpleGlobs(globs);
    if (!simple) return this.visible;
    const index = this.pathIndex();
    const lists: number[][] = [];
    for (const e of simple.extensions) lists.push(index.byExtension.get(e) ?? []);
    for (const n of simple.names) lists.push(index.byName.get(n) ?? []);
    const at = lists.filter((l) => l.length > 0);
    const picked =
      at.length === 1 ? (at[0] as number[]) : [...new Set(at.flat())].sort((a, b) => a - b);
    return picked.map((i) => this.visible[i] as string);
  }

  private pathIndex(): PathIndex {
    if (this.unitPaths.index) return this.unitPaths.index;
    const index: PathIndex = { byExtension: new Map(), byName: new Map() };
    const add = (map: Map<string, number[]>, key: string, i: number) => {
      const list = map.get(key);
      if (list) list.push(i);
      else map.set(key, [i]);
    };
    this.visible.forEach((p, i) => {
      const ext = extensionOf(p);
      if (ext) add(index.byExtension, ext, i);
      add(index.byName, p.slice(p.lastIndexOf('/') + 1), i);
    });
    this.unitPaths.index = index;
    return index;
  }

  private selectUncached(sel: FileSelector): string[] {
    const match = globMatcher(asList(sel.files));
    const excluded = globMatcher(asList(sel.exclude));
    const filter = sel.onlyFilesContaining ? new RegExp(sel.onlyFilesContaining) : undefined;
    const roles = sel.includeTests ? WITH_TEST_ROLES : PRODUCTION_ROLES;
    // A file named without wildcards (`README.md`, `Dockerfile`) is wanted whatever its role.
    const named = new Set(asList(sel.files).filter((g) => !/[*?{[]/.test(g)));
    return this.candidates(asList(sel.files)).filter((p) => {
      if (!match(p) || excluded(p)) return false;
      if (!named.has(p) && !roles.has(this.layout.role(p).role)) return false;
      if (sel.forUnitByName && !this.nearbyNamesUnit(p)) return false;
      if (filter) {
        const text = this.readCode(p);
        return text !== undefined && filter.test(text);
      }
      return true;
    });
  }

  /** True when the path lies inside this unit's own folder (always true for a root unit). */
  owns(path: string): boolean {
    const u = this.unit?.path ?? '.';
    return u === '.' || path.startsWith(`${u}/`);
  }

  /**
   * In a repository of several units, whether a text names this unit as a host (its folder name,
   * separators optional: `ledgerwriter` matches `http://ledger-writer:8080` and `LEDGERWRITER_ADDR`).
   */
  namesUnit(text: string): boolean {
    if (this.layout.units.length <= 1) return true;
    const re = this.unitNames().re;
    return re === null || re.test(text);
  }

  /** namesUnit of a snapshot file's text (undefined when not loaded: false), cached per unit. */
  private fileNamesUnit(path: string): boolean {
    const { byPath } = this.unitNames();
    let named = byPath.get(path);
    if (named === undefined) {
      const text = this.read(path);
      named = text !== undefined && this.namesUnit(text);
      byPath.set(path, named);
    }
    return named;
  }

  /** The expression namesUnit tests, built once per unit and scan (null: no letters to name). */
  private unitNames(): { re: RegExp | null; byPath: Map<string, boolean> } {
    const key = this.unit?.path ?? '.';
    const known = this.shared.unitNames.get(key);
    if (known !== undefined) return known;
    const letters = this.unitName()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    // Named as a host (http://ui:8080, FRONTEND_ADDR, --host=http://cart, cart:8080) or as the
    // API a gateway routes to it (/api/cart/...).
    const n = [...letters].join('[-_]?');
    const re = letters
      ? new RegExp(
          `(?:\\/\\/|@|\\bhost[=: ]+["']?(?:https?:\\/\\/)?|\\/api\\/)${n}(?![a-z0-9])|(?<![a-z0-9])${n}(?:_(?:ADDR|HOST|URL|ENDPOINT|SERVICE_HOST)\\b|:\\d{2,5}\\b)`,
          'i',
        )
      : null;
    const names = { re, byPath: new Map<string, boolean>() };
    this.shared.unitNames.set(key, names);
    return names;
  }

  /** The unit's name: its folder, or the folder above a generic one (`cartservice/src`). */
  unitName(): string {
    const parts = (this.unit?.path ?? '.').split('/');
    for (let i = parts.length - 1; i >= 0; i--)
      if (!/^(src|app|main|server|service|api|html|web|backend)$/i.test(parts[i] as string))
        return parts[i] as string;
    return parts[parts.length - 1] as string;
  }

  /** Whether a workload name is this unit's (`balance-reader` for src/ledger/balancereader). */
  isUnitName(name: string): boolean {
    const norm = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
    const unit = norm(this.unitName());
    const n = norm(name);
    if (!unit || !n) return false;
    if (unit === n) return true;
    const [short, long] = unit.length < n.length ? [unit, n] : [n, unit];
    return short.length >= 4 && (long.startsWith(short) || long.endsWith(short));
  }

  /** Whether a file outside the unit, or one in its folder (and below), names this unit. */
  nearbyNamesUnit(path: string): boolean {
    if (this.owns(path) || this.layout.units.length <= 1) return true;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    // One answer per folder and unit: many files of one load generator share it.
    const key = `${this.unit?.path ?? '.'}\u0000${dir}`;
    const cached = this.shared.named.get(key);
    if (cached !== undefined) return cached;
    const named = this.pathsUnder(dir).some((p) => this.fileNamesUnit(p));
    this.shared.named.set(key, named);
    return named;
  }

  /** The files in a folder and below (`dir` ends with `/`), or at the root when `dir` is ''. */
  private pathsUnder(dir: string): string[] {
    if (dir === '') return this.snapshot.paths.filter((p) => !p.includes('/'));
    const sorted = (this.shared.sortedPaths ??= [...this.snapshot.paths].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as string) < dir) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < sorted.length && (sorted[end] as string).startsWith(dir)) end++;
    return sorted.slice(lo, end);
  }

  has(path: string): boolean {
    return this.shared.pathSet.has(path);
  }

  read(path: string): string | undefined {
    return this.snapshot.read(path);
  }

  /** The text with comments blanked (positions kept). */
  readCode(path: string): string | undefined {
    let t = this.shared.blanked.get(path);
    if (t !== undefined) return t;
    const raw = this.snapshot.read(path);
    if (raw === undefined) return undefined;
    t = blankComments(path, raw);
    this.shared.blanked.set(path, t);
    return t;
  }

  /**
   * findMatches over a file's text (comments blanked when `code`, as readCode gives it): one pass
   * per file, expression and ignoreIf for the whole scan, whichever checks and units ask (the
   * expressions are the same objects when built by sharedRegExp). The hits are shared: callers
   * copy what they keep.
   */
  findMatches(path: string, text: string, code: boolean, re: RegExp, ignoreIf?: RegExp): Hit[] {
    let byIgnore = this.shared.matches.get(re);
    if (!byIgnore) {
      byIgnore = new Map();
      this.shared.matches.set(re, byIgnore);
    }
    let byPath = byIgnore.get(ignoreIf);
    if (!byPath) {
      byPath = new Map();
      byIgnore.set(ignoreIf, byPath);
    }
    const key = code ? path : `\u0000${path}`;
    let hits = byPath.get(key);
    if (!hits) {
      hits = findMatches(path, text, re, ignoreIf);
      // Most files have no hit: one shared empty list keeps the cache small.
      if (hits.length === 0) hits = NO_HITS;
      byPath.set(key, hits);
    }
    return hits;
  }

  parse(path: string, text: string, key = path): ParsedFile {
    let p = this.shared.parsed.get(key);
    if (!p) {
      p = parseStructured(path, text);
      this.shared.parsed.set(key, p);
    }
    return p;
  }
}

/** The answer of findMatches for a file without hits, shared (never written to). */
const NO_HITS: Hit[] = [];

const regExps = new Map<string, RegExp>();

/**
 * One RegExp object per source and flags for the process (a bounded cache), so the scan's
 * caches keyed by expression are shared by every check and unit using the same pattern.
 */
export function sharedRegExp(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = regExps.get(key);
  if (!re) {
    if (regExps.size >= 2000) regExps.clear();
    re = new RegExp(source, flags);
    regExps.set(key, re);
  }
  return re;
}
