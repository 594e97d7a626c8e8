import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

import { renderAsync } from '@resvg/resvg-js';
import { LRUCache } from 'lru-cache';

import { withFieldErrors, type FieldError } from '../http/problem.js';
import { fontCodePoints, missingCharacters } from './font-coverage.js';
import { PosterTemplateUnknown, PosterTextUnsupported } from './poster.errors.js';
import { POSTER_HEIGHT, POSTER_WIDTH, type PosterContent } from './poster-template.js';
import { POSTER_FONT_FAMILY } from './svg.js';
import { normaliseText } from './text-layout.js';
import { findPosterTemplate } from './templates/index.js';

const require = createRequire(import.meta.url);

// Noto Sans SC from Google Fonts (SIL Open Font License 1.1), as static TTF files in the npm
// package @expo-google-fonts/noto-sans-sc. It covers every CJK Unified Ideograph from U+4E00 to
// U+9FA5, nearly all of Extension A, ASCII and CJK punctuation, but no emoji and few Extension B
// ideographs, so `render` rejects text with characters it cannot draw.
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

let fontCoverage: Promise<ReadonlySet<number>> | undefined;

/** Returns the code points that every poster font can draw, read once from their files. */
export function posterFontCoverage(): Promise<ReadonlySet<number>> {
  fontCoverage ??= Promise.all(posterFontFiles().map((file) => readFile(file))).then((fonts) => {
    const [first, ...others] = fonts.map(fontCodePoints);
    return new Set([...first!].filter((code) => others.every((set) => set.has(code))));
  });
  return fontCoverage;
}

/** Lists each field of the request with a character that the fonts cannot draw. */
async function unsupportedText(request: PosterRequest): Promise<FieldError[]> {
  const coverage = await posterFontCoverage();
  const fields: [string, string | undefined][] = [
    ['title', request.title],
    ...request.organisers.map((line, index): [string, string] => [`organisers.${index}`, line]),
    ['dateLine', request.dateLine],
    ['venueLine', request.venueLine],
  ];
  return fields.flatMap(([field, text]) => {
    const missing = missingCharacters(text ?? '', coverage);
    if (missing.length === 0) return [];
    const message = `contains characters the poster font cannot draw: ${missing.join(' ')}`;
    return [{ field, code: 'unsupported_character', message }];
  });
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
  /** Number of PNGs kept; 0 keeps none, for callers that store the PNGs themselves. */
  maxEntries: number;
  /** Total size of the PNGs kept, in bytes. */
  maxBytes: number;
  /** Renderings that may run at once; further requests wait for a free slot. */
  maxConcurrent: number;
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
 * Renders posters to PNG with resvg and, unless `maxEntries` is 0, keeps the most recent ones
 * in a least-recently-used cache keyed by a hash of the normalised request, so that previews
 * and downloads of the same poster are drawn once. With the cache, concurrent requests for the
 * same poster share one rendering. resvg
 * renders on libuv's thread pool, which file access, hashing and password checks share, so at
 * most `maxConcurrent` renderings run at once.
 */
export class PosterRenderer {
  readonly #cache: LRUCache<string, Buffer, PosterRequest> | undefined;
  readonly #maxConcurrent: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  #peakConcurrency = 0;
  #renderCount = 0;

  constructor(options: PosterRendererOptions) {
    this.#maxConcurrent = options.maxConcurrent;
    if (options.maxEntries > 0) {
      this.#cache = new LRUCache<string, Buffer, PosterRequest>({
        max: options.maxEntries,
        maxSize: options.maxBytes,
        sizeCalculation: (png) => png.length,
        fetchMethod: (_key, _stale, { context }) => this.#draw(context),
      });
    }
  }

  /** Number of PNGs drawn so far, cache hits excluded. */
  get renderCount(): number {
    return this.#renderCount;
  }

  /** Highest number of renderings that have run at the same time. */
  get peakConcurrency(): number {
    return this.#peakConcurrency;
  }

  /**
   * Renders a poster, or returns it from the cache. Rejects an unknown template id, and text
   * with characters that the fonts cannot draw, which would come out as empty boxes.
   */
  async render(request: PosterRequest): Promise<Buffer> {
    if (!findPosterTemplate(request.templateId)) {
      throw new PosterTemplateUnknown(request.templateId);
    }
    const normalised = normalise(request);
    const unsupported = await unsupportedText(normalised);
    if (unsupported.length > 0) throw withFieldErrors(new PosterTextUnsupported(), unsupported);

    if (!this.#cache) return this.#draw(normalised);
    const png = await this.#cache.fetch(cacheKey(normalised), { context: normalised });
    if (!png) throw new Error(`Poster rendering returned nothing for ${request.templateId}`);
    return png;
  }

  async #draw(request: PosterRequest): Promise<Buffer> {
    while (this.#running >= this.#maxConcurrent) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#running += 1;
    this.#peakConcurrency = Math.max(this.#peakConcurrency, this.#running);
    this.#renderCount += 1;
    try {
      const image = await renderAsync(renderPosterSvg(request), {
        fitTo: { mode: 'width', value: request.width },
        font: {
          fontFiles: posterFontFiles(),
          loadSystemFonts: false,
          defaultFontFamily: POSTER_FONT_FAMILY,
        },
        logLevel: 'off',
      });
      return image.asPng();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}

/** Builds a poster's SVG from its template. Rejects an unknown template id. */
export function renderPosterSvg(request: Omit<PosterRequest, 'width'>): string {
  const template = findPosterTemplate(request.templateId);
  if (!template) throw new PosterTemplateUnknown(request.templateId);
  return template.render(request);
}
