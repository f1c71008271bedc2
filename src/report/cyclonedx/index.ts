/**
 * `--format cyclonedx`: a CycloneDX 1.6 JSON SBOM. Every package is a component with its purl;
 * every finding is a vulnerability whose `affects` names the component's `bom-ref`. One image is
 * the BOM's subject (`metadata.component`); several images become container components, each
 * holding its packages. Built and serialised with the CycloneDX library.
 */
import { Enums, Factories, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import type { ScanResult } from '../../model/image-scan.js';
import type { Package } from '../../model/package.js';
import type { CvssVersion, Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { TOOL_VERSION } from '../../version.js';
import type { AggregateVerdict } from '../../model/image-verdict.js';
import type { Renderer } from '../renderer.js';
import { databaseAge } from '../database-age.js';

const RATING_METHOD: Record<CvssVersion, Enums.Vulnerability.RatingMethod> = {
  '2.0': Enums.Vulnerability.RatingMethod.CVSSv2,
  '3.0': Enums.Vulnerability.RatingMethod.CVSSv3,
  '3.1': Enums.Vulnerability.RatingMethod.CVSSv31,
  '4.0': Enums.Vulnerability.RatingMethod.CVSSv4,
};

const CDX_SEVERITY: Record<Severity, Enums.Vulnerability.Severity> = {
  CRITICAL: Enums.Vulnerability.Severity.Critical,
  HIGH: Enums.Vulnerability.Severity.High,
  MEDIUM: Enums.Vulnerability.Severity.Medium,
  LOW: Enums.Vulnerability.Severity.Low,
  NEGLIGIBLE: Enums.Vulnerability.Severity.Info,
  UNKNOWN: Enums.Vulnerability.Severity.Unknown,
};

function property(name: string, value: string | undefined): Models.Property[] {
  return value === undefined ? [] : [new Models.Property(`tollgate:${name}`, value)];
}

function parsePurl(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
}

const LICENSES = new Factories.LicenseFactory();

function componentFor(pkg: Package, bomRef: string): Models.Component {
  const purl = parsePurl(pkg.purl);
  return new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef,
    version: pkg.version,
    ...(purl ? { purl } : {}),
    // An SPDX id, an SPDX expression or, failing both, a named licence.
    ...(pkg.licenses?.length ? { licenses: new Models.LicenseRepository(pkg.licenses.map((license) => LICENSES.makeFromString(license))) } : {}),
    properties: new Models.PropertyRepository([
      ...property('package:type', pkg.type),
      ...property('location', pkg.location),
      ...property('architecture', pkg.architecture),
      ...property('source:name', pkg.source?.name),
      ...property('source:version', pkg.source?.version),
      ...property('layer:index', pkg.layer ? String(pkg.layer.index) : undefined),
      ...property('layer:diffId', pkg.layer?.diffId),
      ...property('layer:createdBy', pkg.layer?.createdBy),
      ...property('dev', pkg.dev ? 'true' : undefined),
      ...property('vendor', pkg.vendor),
      ...property('ownedBy', pkg.ownedBy),
      ...property('installPath', pkg.installPath),
    ]),
  });
}

function vulnerabilityFor(finding: Finding, componentRef: Models.BomRef, bomRef: string): Models.Vulnerability.Vulnerability {
  const osv = new Models.Vulnerability.Source({ name: 'OSV', url: new URL(`https://osv.dev/vulnerability/${encodeURIComponent(finding.advisoryIds[0] ?? finding.id)}`) });
  const ratings = finding.cvssScores.map(
    (score) =>
      new Models.Vulnerability.Rating({
        source: new Models.Vulnerability.Source({ name: score.source }),
        score: score.baseScore,
        method: RATING_METHOD[score.version],
        vector: score.vector,
        ...(finding.cvss === score ? { severity: CDX_SEVERITY[finding.severity] } : {}),
      }),
  );
  if (finding.severitySource !== 'cvss') {
    ratings.push(new Models.Vulnerability.Rating({ severity: CDX_SEVERITY[finding.severity], method: Enums.Vulnerability.RatingMethod.Other, justification: `severity from ${finding.severitySource === 'advisory' ? 'the advisory source' : 'no source'}` }));
  }
  const vulnerability = new Models.Vulnerability.Vulnerability({
    bomRef,
    id: finding.id,
    source: osv,
    ratings: new Models.Vulnerability.RatingRepository(ratings),
    references: new Models.Vulnerability.ReferenceRepository(finding.aliases.map((alias) => new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source({ name: alias.split('-')[0] ?? alias })))),
    advisories: new Models.Vulnerability.AdvisoryRepository(
      finding.references.flatMap((reference) => {
        try {
          return [new Models.Vulnerability.Advisory(new URL(reference))];
        } catch {
          return [];
        }
      }),
    ),
    ...(finding.title ? { description: finding.title } : {}),
    ...(finding.description ? { detail: finding.description } : {}),
    ...(finding.fixState === 'fixed' ? { recommendation: `Upgrade ${finding.package.name} to ${finding.fixedVersions.join(' or ')}` } : {}),
    ...(finding.published ? { published: new Date(finding.published) } : {}),
    ...(finding.modified ? { updated: new Date(finding.modified) } : {}),
    properties: new Models.PropertyRepository([...property('fixState', finding.fixState), ...property('advisoryIds', finding.advisoryIds.join(','))]),
  });
  const affect = new Models.Vulnerability.Affect(componentRef);
  affect.versions.add(new Models.Vulnerability.AffectedSingleVersion(finding.package.version, { status: Enums.Vulnerability.AffectStatus.Affected }));
  vulnerability.affects.add(affect);
  return vulnerability;
}

function imageComponent(scan: ScanResult, bomRef: string): Models.Component {
  return new Models.Component(Enums.ComponentType.Container, scan.image.repoTags[0] ?? scan.image.reference, {
    bomRef,
    ...(scan.image.id ? { version: scan.image.id } : {}),
    properties: new Models.PropertyRepository([
      ...property('image:reference', scan.image.reference),
      ...property('image:id', scan.image.id),
      ...property('image:manifestDigest', scan.image.manifestDigest),
      ...property('os', scan.os ? `${scan.os.family} ${scan.os.version}` : undefined),
      // What the scan could not judge (an unsupported OS or package type, an end-of-life release).
      ...scan.warnings.map((warning) => new Models.Property('tollgate:warning', warning)),
    ]),
  });
}

/**
 * The image's OS as an `operating-system` component (as Trivy and Syft write it), with its code
 * name and, for a release past its end of life, the date its support ended.
 */
function osComponent(scan: ScanResult, bomRef: string): Models.Component | undefined {
  const os = scan.os;
  if (!os) return undefined;
  return new Models.Component(Enums.ComponentType.OperatingSystem, os.family, {
    bomRef,
    version: os.version,
    ...(os.prettyName ? { description: os.prettyName } : {}),
    properties: new Models.PropertyRepository([
      ...property('os:codename', os.codename),
      ...property('os:prettyName', os.prettyName),
      ...property('os:endOfLife', os.endOfLife?.date),
    ]),
  });
}

export function buildBom(scans: readonly ScanResult[], verdict?: AggregateVerdict): Models.Bom {
  const bom = new Models.Bom();
  if (verdict) {
    bom.metadata.properties.add(new Models.Property('tollgate:gate:passed', String(verdict.passed)));
    verdict.reasons.forEach((reason) => bom.metadata.properties.add(new Models.Property('tollgate:gate:reason', reason)));
  }
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'tollgate', { version: TOOL_VERSION }));
  scans.flatMap((scan) => databaseAge(scan) ?? []).slice(0, 1).forEach((age) => bom.metadata.properties.add(new Models.Property('tollgate:database', age)));
  const single = scans.length === 1;
  scans.forEach((scan, imageIndex) => {
    const prefix = single ? '' : `image-${imageIndex}/`;
    const image = imageComponent(scan, `${prefix}image`);
    if (single) bom.metadata.component = image;
    else bom.components.add(image);
    const holder = single ? bom.components : image.components;
    const os = osComponent(scan, `${prefix}os`);
    if (os) holder.add(os);
    const refs = new Map<string, Models.BomRef>();
    for (const pkg of scan.packages) {
      const component = componentFor(pkg, `${prefix}${pkg.id}`);
      holder.add(component);
      refs.set(pkg.id, component.bomRef);
    }
    scan.findings.forEach((finding, index) => {
      const ref = refs.get(finding.package.id);
      if (ref) bom.vulnerabilities.add(vulnerabilityFor(finding, ref, `${prefix}vuln-${index}-${finding.id}`));
    });
  });
  return bom;
}

export const cyclonedxRenderer: Renderer = {
  id: 'cyclonedx',
  description: 'a CycloneDX 1.6 JSON SBOM with vulnerabilities',
  extension: 'cdx.json',
  renderImage(report) {
    const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
    // Packages and findings arrive sorted, so the document is already in a stable order; the
    // library's own sorting and indentation took a third of the time and 40% of the size.
    return `${serializer.serialize(buildBom(report.scans, report.verdict), { sortLists: false })}\n`;
  },
};
