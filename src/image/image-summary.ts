/**
 * The image summary of a scan result (`ImageSummary`), assembled in one place for every source:
 * a source says what it knows and this module decides the shape, so one image read from an
 * archive, a layout, a registry or a daemon is described with the same fields in the same order.
 * A fact the source does not have is left out, never filled with a guess.
 */
import type { ImageSourceType, ImageSummary, LayerSummary } from '../model/image-scan.js';
import type { LayerDescriptor } from './source.js';

/** What an image config (or a daemon's inspection of it) says about the image. */
export interface ImageConfigFacts {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
}

/** What a source knows about the image it opened. */
export interface ImageFacts {
  /** The reference as the user gave it. */
  reference: string;
  source: ImageSourceType;
  /** Digest of the image config. */
  id?: string;
  manifestDigest?: string;
  repoTags?: readonly string[];
  repoDigests?: readonly string[];
  config?: ImageConfigFacts;
  /** Stored size in bytes, where the source knows it (storedSize() for a source that stores layers). */
  size?: number;
  layers: readonly LayerDescriptor[];
}

/** The sum of the layers' stored sizes; a layer of unknown size counts nothing. */
export function storedSize(layers: readonly LayerDescriptor[]): number {
  return layers.reduce((sum, layer) => sum + (layer.size ?? 0), 0);
}

// An empty string (a daemon's blank diff id, a history line without a command) is no information.
function layerSummary(layer: LayerDescriptor): LayerSummary {
  return {
    index: layer.index,
    ...(layer.diffId ? { diffId: layer.diffId } : {}),
    ...(layer.digest ? { digest: layer.digest } : {}),
    ...(layer.size === undefined ? {} : { size: layer.size }),
    ...(layer.createdBy ? { createdBy: layer.createdBy } : {}),
  };
}

export function summarizeImage(facts: ImageFacts): ImageSummary {
  const { config } = facts;
  return {
    reference: facts.reference,
    source: facts.source,
    ...(facts.id === undefined ? {} : { id: facts.id }),
    ...(facts.manifestDigest === undefined ? {} : { manifestDigest: facts.manifestDigest }),
    repoTags: [...(facts.repoTags ?? [])],
    repoDigests: [...(facts.repoDigests ?? [])],
    ...(config?.os ? { os: config.os } : {}),
    ...(config?.architecture ? { architecture: config.architecture } : {}),
    ...(config?.variant ? { variant: config.variant } : {}),
    ...(config?.created ? { created: config.created } : {}),
    ...(facts.size === undefined ? {} : { size: facts.size }),
    layers: facts.layers.map(layerSummary),
  };
}
