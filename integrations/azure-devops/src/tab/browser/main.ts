/**
 * The build results tab: started by Azure DevOps in a frame, it asks the host (through
 * azure-devops-extension-sdk) for the build, the Build REST API's location and a token, reads the
 * build's Tollgate attachments and renders them. Loaded from tab.html as a file (no inline script).
 */
import * as SDK from 'azure-devops-extension-sdk';
import { COMPLIANCE_ATTACHMENT_TYPE, IMAGE_ATTACHMENT_TYPE, type TollgateAttachment } from '../../task/attachments.js';
import { listAttachments, readAttachment, type BuildRef, type Fetch } from '../attachment-client.js';
import { renderSections } from './render.js';
import { parseAttachment, sectionsOf } from '../tab-model.js';

/** The Build REST area (its resource area id), located through the host's location service. */
const BUILD_AREA_ID = '965220d5-5bb9-42cf-8d67-9b146df2a5a4';
const LOCATION_SERVICE = 'ms.vss-features.location-service';

interface LocationService {
  getResourceAreaLocation(resourceAreaId: string): Promise<string>;
}

interface BuildLike {
  id: number;
  project?: { id?: string; name?: string };
}

const fetcher: Fetch = (url, init) => fetch(url, init);

async function showBuild(build: BuildLike, container: HTMLElement): Promise<void> {
  const location = await SDK.getService<LocationService>(LOCATION_SERVICE);
  const collectionUrl = await location.getResourceAreaLocation(BUILD_AREA_ID);
  const project = build.project?.id ?? SDK.getWebContext().project.id;
  const ref: BuildRef = { collectionUrl, project, buildId: build.id };
  const token = await SDK.getAccessToken();
  const documents: { name: string; document: TollgateAttachment }[] = [];
  const notes: string[] = [];
  for (const type of [IMAGE_ATTACHMENT_TYPE, COMPLIANCE_ATTACHMENT_TYPE]) {
    for (const link of await listAttachments(ref, type, token, fetcher)) {
      const text = await readAttachment(link, token, fetcher);
      if (text === undefined) continue;
      try {
        documents.push({ name: link.name, document: parseAttachment(text, link.name) });
      } catch (error) {
        notes.push((error as Error).message);
      }
    }
  }
  renderSections(container, sectionsOf(documents), notes);
}

async function start(): Promise<void> {
  const container = document.getElementById('tollgate-results');
  if (!container) return;
  await SDK.init({ loaded: false });
  const configuration = SDK.getConfiguration() as { onBuildChanged?: (handler: (build: BuildLike) => void) => void };
  if (!configuration.onBuildChanged) {
    await SDK.notifyLoadFailed('the host gave no build to this tab');
    return;
  }
  configuration.onBuildChanged((build) => {
    showBuild(build, container)
      .then(() => SDK.notifyLoadSucceeded())
      .catch((error: unknown) => {
        container.textContent = `Tollgate results could not be shown: ${error instanceof Error ? error.message : String(error)}`;
        void SDK.notifyLoadFailed(error instanceof Error ? error : String(error));
      });
  });
}

void start();
