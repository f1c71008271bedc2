/**
 * What an SBOM says an image holds, as the inventory the engine would have read from the image:
 * components with a purl of a package type Tollgate knows become package records; the OS comes from
 * an `operating-system` component, else from the OS packages' purl `distro` qualifier. Nothing is
 * dropped silently: components without a purl, with a purl Tollgate cannot read, or of a purl type
 * it does not match are counted in warnings that name a few of them; duplicates are counted once.
 *
 * Properties fill what a purl does not carry: Tollgate's own (`tollgate:location`,
 * `tollgate:source:*`, `tollgate:layer:*`, `tollgate:dev`, the ones `--format cyclonedx` writes),
 * Trivy's (`aquasecurity:trivy:FilePath`, `SrcName`, `SrcVersion`, ...) and Syft's
 * (`syft:location:0:path`).
 */
import type { LayerRef, OsInfo, PackageRecord } from '../../model/package.js';
import type { SbomComponent, SbomDocument } from './sbom-document.js';
import { osOfDistro, readPurl } from './purl-package.js';

/** A package as an SBOM states it: a record, and the layer that introduced it where the SBOM says. */
export interface DescribedPackage extends PackageRecord {
  layer?: LayerRef;
}

export interface SbomInventory {
  os?: OsInfo;
  packages: DescribedPackage[];
  /** The layers the packages name (index and diff id), in index order. */
  layers: LayerRef[];
  /** The image id (`sha256:` of its config) where the SBOM states it. */
  imageId?: string;
  warnings: string[];
}

/** Component types that are no package and need no purl: the OS and the image itself. */
const NOT_PACKAGES = new Set(['operating-system', 'container', 'firmware', 'device', 'platform']);
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NAMED = 5;

function firstProperty(component: SbomComponent, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = component.properties.get(name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function described(component: SbomComponent): string {
  const name = component.name ?? component.ref ?? '(unnamed)';
  return component.version ? `${name}@${component.version}` : name;
}

/** "3 components (a, b, c)" with at most NAMED names. */
function counted(components: readonly SbomComponent[], noun = 'component'): string {
  const names = components.slice(0, NAMED).map(described);
  const more = components.length > NAMED ? `, and ${components.length - NAMED} more` : '';
  return `${components.length} ${noun}${components.length === 1 ? '' : 's'} (${names.join(', ')}${more})`;
}

/** Trivy writes the source version in parts: epoch, version, release. */
function trivySourceVersion(component: SbomComponent): string | undefined {
  const version = component.properties.get('aquasecurity:trivy:SrcVersion');
  if (!version) return undefined;
  const epoch = component.properties.get('aquasecurity:trivy:SrcEpoch');
  const release = component.properties.get('aquasecurity:trivy:SrcRelease');
  return `${epoch && epoch !== '0' ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
}

function sourceOf(component: SbomComponent, record: Omit<PackageRecord, 'location' | 'source'>, fromPurl: PackageRecord['source']): PackageRecord['source'] | undefined {
  const name = firstProperty(component, ['tollgate:source:name', 'aquasecurity:trivy:SrcName']) ?? fromPurl?.name;
  if (!name) return undefined;
  const version = firstProperty(component, ['tollgate:source:version']) ?? trivySourceVersion(component) ?? fromPurl?.version;
  // The source version is kept only where it differs, as the OS analyzers keep it.
  return { name, ...(version && version !== record.version ? { version } : {}) };
}

function layerOf(component: SbomComponent): LayerRef | undefined {
  const index = component.properties.get('tollgate:layer:index');
  if (index === undefined || !/^\d{1,6}$/.test(index)) return undefined;
  const diffId = component.properties.get('tollgate:layer:diffId');
  const createdBy = component.properties.get('tollgate:layer:createdBy');
  return { index: Number(index), ...(diffId && DIGEST.test(diffId) ? { diffId } : {}), ...(createdBy ? { createdBy } : {}) };
}

function osOfComponent(component: SbomComponent): OsInfo | undefined {
  const family = component.name?.trim().toLowerCase();
  if (!family || !/^[a-z][a-z0-9._-]*$/.test(family)) return undefined;
  const codename = component.properties.get('tollgate:os:codename');
  const prettyName = component.properties.get('tollgate:os:prettyName');
  return { family, version: component.version ?? '', ...(codename ? { codename } : {}), ...(prettyName ? { prettyName } : {}) };
}

const sameOs = (a: OsInfo, b: OsInfo): boolean => a.family === b.family && a.version === b.version;

function resolveOs(stated: readonly OsInfo[], fromPurls: readonly OsInfo[], warnings: string[]): OsInfo | undefined {
  const candidates = stated.length > 0 ? stated : fromPurls;
  const first = candidates[0];
  if (!first) return undefined;
  const others = [...new Map(candidates.filter((os) => !sameOs(os, first)).map((os) => [`${os.family} ${os.version}`, os])).keys()];
  if (others.length > 0) warnings.push(`the SBOM names more than one OS (${first.family} ${first.version}, ${others.slice(0, NAMED).join(', ')}); matched as ${first.family} ${first.version}`);
  return first;
}

export function inventoryOfSbom(document: SbomDocument): SbomInventory {
  const warnings = [...document.warnings];
  const packages: DescribedPackage[] = [];
  const statedOs: OsInfo[] = [];
  const purlOs: OsInfo[] = [];
  const withoutPurl: SbomComponent[] = [];
  const invalid: { component: SbomComponent; reason: string }[] = [];
  const unsupported = new Map<string, SbomComponent[]>();
  const seen = new Set<string>();
  let duplicates = 0;

  const subject = document.subject;
  if (subject?.type === 'operating-system') {
    const os = osOfComponent(subject);
    if (os) statedOs.push(os);
  }
  const statedOnSubject = subject ? osOfDistro(subject.properties.get('tollgate:os')?.replace(' ', '-')) : undefined;
  if (statedOnSubject) purlOs.push(statedOnSubject);

  for (const component of document.components) {
    if (component.type === 'operating-system') {
      const os = osOfComponent(component);
      if (os) statedOs.push(os);
      continue;
    }
    if (!component.purl) {
      if (!NOT_PACKAGES.has(component.type ?? '')) withoutPurl.push(component);
      continue;
    }
    const reading = readPurl(component.purl);
    if (reading.kind === 'invalid') {
      invalid.push({ component, reason: reading.reason });
      continue;
    }
    if (reading.kind === 'unsupported') {
      unsupported.set(reading.type, [...(unsupported.get(reading.type) ?? []), component]);
      continue;
    }
    if (reading.distro) purlOs.push(reading.distro);
    const location = firstProperty(component, ['tollgate:location', 'aquasecurity:trivy:FilePath', 'syft:location:0:path']) ?? '';
    const record: DescribedPackage = { ...reading.record, location };
    const source = sourceOf(component, reading.record, reading.source);
    if (source) record.source = source;
    const architecture = record.architecture ?? component.properties.get('tollgate:architecture');
    if (architecture) record.architecture = architecture;
    if (component.properties.get('tollgate:dev') === 'true') record.dev = true;
    const vendor = component.properties.get('tollgate:vendor');
    if (vendor) record.vendor = vendor;
    const ownedBy = component.properties.get('tollgate:ownedBy');
    if (ownedBy) record.ownedBy = ownedBy;
    const installPath = component.properties.get('tollgate:installPath');
    if (installPath) record.installPath = installPath;
    if (component.licenses) record.licenses = [...component.licenses];
    const layer = layerOf(component);
    if (layer) record.layer = layer;
    const key = [record.type, record.name, record.version, record.architecture ?? '', record.location].join('\u0000');
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    packages.push(record);
  }

  if (withoutPurl.length > 0) warnings.push(`${counted(withoutPurl)} without a package URL (purl): not matched against any advisory database`);
  if (invalid.length > 0) warnings.push(`${counted(invalid.map((entry) => entry.component))} with a package URL Tollgate cannot read (${invalid[0]?.reason}): not matched`);
  for (const [type, components] of [...unsupported].sort(([a], [b]) => a.localeCompare(b))) {
    warnings.push(`unsupported package type: ${type} — ${counted(components)} not matched against any advisory database`);
  }
  if (duplicates > 0) warnings.push(`${duplicates} duplicate component${duplicates === 1 ? '' : 's'} (same package URL and location) counted once`);

  const layers = new Map<number, LayerRef>();
  for (const record of packages) if (record.layer && !layers.has(record.layer.index)) layers.set(record.layer.index, record.layer);
  const os = resolveOs(statedOs, purlOs, warnings);
  const imageId = [subject?.properties.get('tollgate:image:id'), subject?.version].find((value) => value !== undefined && DIGEST.test(value));
  return {
    ...(os ? { os } : {}),
    packages,
    layers: [...layers.values()].sort((a, b) => a.index - b.index),
    ...(imageId ? { imageId } : {}),
    warnings,
  };
}
