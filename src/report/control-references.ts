/**
 * A control's references as the reports show them: the references that point at one http(s) URL
 * together (that URL from `referenceLinks`, else the reference itself when it is an http(s) URL),
 * each other reference on its own, in the order of `references`; an empty label is left out.
 * Every URL is tested here, whoever wrote the result (the SCAP loader, an uploaded or hand-edited
 * JSON file), so a reference never links to javascript:, data:, file: or anything but http(s).
 */
import type { ControlResult } from '../model/compliance-result.js';
import { httpUrl } from '../util/http-url.js';

export interface ShownReferences {
  labels: string[];
  /** An http(s) URL every label points at; absent for a reference without one. */
  url?: string;
}

export function shownReferences(control: Pick<ControlResult, 'references' | 'referenceLinks'>): ShownReferences[] {
  const urlOf = new Map<string, string>();
  for (const link of control.referenceLinks ?? []) {
    const url = httpUrl(link.url);
    if (url !== undefined) for (const label of link.labels) if (!urlOf.has(label)) urlOf.set(label, url);
  }
  const shown: ShownReferences[] = [];
  const byUrl = new Map<string, ShownReferences>();
  for (const label of control.references ?? []) {
    if (!label) continue;
    const url = urlOf.get(label) ?? httpUrl(label);
    const group = url === undefined ? undefined : byUrl.get(url);
    if (group) {
      group.labels.push(label);
    } else if (url === undefined) {
      shown.push({ labels: [label] });
    } else {
      const added = { labels: [label], url };
      byUrl.set(url, added);
      shown.push(added);
    }
  }
  return shown;
}
