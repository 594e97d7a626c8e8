import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

import { renderAsync } from '@resvg/resvg-js';
import { LRUCache } from 'lru-cache';

import { PosterTemplateUnknown } from './poster.errors.js';
import { POSTER_HEIGHT, POSTER_WIDTH, type PosterContent } from './poster-template.js';
import { POSTER_FONT_FAMILY } from './svg.js';
import { normaliseText } from './text-layout.js';
import { findPosterTemplate } from './templates/index.js';

const require = createRequire(import.meta.url);

// Noto Sans SC from Google Fonts (SIL Open Font License 1.1), as static TTF files in the npm
// package @expo-google-fonts/noto-sans-sc. Its full character set covers every CJK Unified
// Ideograph and Extension A, so any title renders without missing glyphs.
const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
const FONT_FILES = [
  '400Regular/NotoSansSC_400Regular.ttf',
  '700Bold/NotoSansSC_700Bold.ttf',
  '900Black/NotoSansSC_900Black.ttf',
];

let fontPaths: string[] | undefined;

/** Returns the paths of the poster fonts, resolved in node_modules like a module. */
export function posterFontFiles(): string[] {
  fontPaths ??= FONT_FILES.map((file) => require.resolve(`${FONT_PACKAGE}/${file}`));
  return fontPaths;
}

export interface PosterRequest extends PosterContent {
  templateId: string;
  /** Width of the PNG in px, at most POSTER_WIDTH; the height keeps the 9:16 ratio. */
  width: number;
}

/** Returns the PNG's height in px for a width, keeping the poster's aspect ratio. */
export function posterHeightFor(width: number): number {
  return Math.round((width * POSTER_HEIGHT) / POSTER_WIDTH);
}

export interface PosterRendererOptions {
  /** Number of PNGs kept. */
  maxEntries: number;
  /** Total size of the PNGs kept, in bytes. */
  maxBytes: number;
}

/** Trims every text, drops blank optional lines and organiser lines, and caps the width. */
function normalise(request: PosterRequest): PosterRequest {
  const dateLine = normaliseText(request.dateLine ?? '');
  const venueLine = normaliseText(request.venueLine ?? '');
  return {
    templateId: request.templateId,
    width: Math.max(1, Math.min(POSTER_WIDTH, Math.round(request.width))),
    title: normaliseText(request.title),
    organisers: request.organisers.map(normaliseText).filter((line) => line !== ''),
    ...(dateLine ? { dateLine } : {}),
    ...(venueLine ? { venueLine } : {}),
  };
}

function cacheKey(request: PosterRequest): string {
  const fields = [
    request.templateId,
    request.width,
    request.title,
    request.organisers,
    request.dateLine ?? null,
    request.venueLine ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * Renders posters to PNG with resvg and keeps the most recent ones in a least-recently-used
 * cache keyed by a hash of the normalised request, so that previews and downloads of the same
 * poster are drawn once. Concurrent requests for the same poster share one rendering.
 */
export class PosterRenderer {
  readonly #cache: LRUCache<string, Buffer, PosterRequest>;
  #renderCount = 0;

  constructor(options: PosterRendererOptions) {
    this.#cache = new LRUCache<string, Buffer, PosterRequest>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (png) => png.length,
      fetchMethod: (_key, _stale, { context }) => this.#draw(context),
    });
  }

  /** Number of PNGs drawn so far, cache hits excluded. */
  get renderCount(): number {
    return this.#renderCount;
  }

  /** Renders a poster, or returns it from the cache. Rejects an unknown template id. */
  async render(request: PosterRequest): Promise<Buffer> {
    if (!findPosterTemplate(request.templateId)) {
      throw new PosterTemplateUnknown(request.templateId);
    }
    const normalised = normalise(request);
    const png = await this.#cache.fetch(cacheKey(normalised), { context: normalised });
    if (!png) throw new Error(`Poster rendering returned nothing for ${request.templateId}`);
    return png;
  }

  async #draw(request: PosterRequest): Promise<Buffer> {
    this.#renderCount += 1;
    const svg = renderPosterSvg(request);
    const image = await renderAsync(svg, {
      fitTo: { mode: 'width', value: request.width },
      font: {
        fontFiles: posterFontFiles(),
        loadSystemFonts: false,
        defaultFontFamily: POSTER_FONT_FAMILY,
      },
      logLevel: 'off',
    });
    return image.asPng();
  }
}

/** Builds a poster's SVG from its template. Rejects an unknown template id. */
export function renderPosterSvg(request: Omit<PosterRequest, 'width'>): string {
  const template = findPosterTemplate(request.templateId);
  if (!template) throw new PosterTemplateUnknown(request.templateId);
  return template.render(request);
}
