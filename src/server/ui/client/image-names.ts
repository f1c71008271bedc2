/** How the UI names an image: its first tag, else its short digest. */
import { shortDigest } from '../../../report/html/markup.js';

export function imageLabel(image: { digest: string; tags: readonly string[] }): string {
  return image.tags[0] ?? shortDigest(image.digest);
}
