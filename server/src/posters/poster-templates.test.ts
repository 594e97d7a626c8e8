import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';

import { POSTER_HEIGHT, POSTER_WIDTH, type PosterContent } from './poster-template.js';
import { missingCharacters } from './font-coverage.js';
import {
  PosterRenderer,
  posterFontCoverage,
  posterFontFiles,
  renderPosterSvg,
} from './poster.service.js';
import { escapeXml } from './svg.js';
import { textWidth } from './text-layout.js';
import { findPosterTemplate, POSTER_TEMPLATES } from './templates/index.js';

const LONG_TITLE = '2027年上海市民体育大联赛徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华';

const LONG_CONTENT: PosterContent = {
  title: LONG_TITLE,
  organisers: [
    '主办单位：上海市徐汇区体育局、上海市徐汇区教育局、上海市徐汇区卫生健康委员会',
    '承办单位：上海市徐汇区徐家汇街道办事处、上海市徐汇区斜土路街道办事处',
    '协办单位：Shanghai Xuhui Community Sports Association',
    '支持单位：上海某某体育文化发展有限公司、上海某某运动器材有限公司',
  ],
  dateLine: '2027年5月1日（星期六）上午9:00至5月3日（星期一）下午5:30',
  venueLine: '上海市徐汇区徐家汇体育公园综合训练馆一层东侧三人篮球场（天钥桥路666号）',
};

interface DrawnText {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Lists the `<text>` elements of a poster with their extent by the width estimate. */
function drawnTexts(svg: string): DrawnText[] {
  const elements = svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g);
  return [...elements].map(([, attributes, content]) => {
    const attribute = (name: string) => {
      const match = new RegExp(`${name}="([^"]*)"`).exec(attributes!);
      return match?.[1];
    };
    const x = Number(attribute('x'));
    const y = Number(attribute('y'));
    const size = Number(attribute('font-size'));
    const spacing = Number(attribute('letter-spacing') ?? 0) / size;
    const text = unescapeXml(content!);
    const width = textWidth(text, spacing) * size;
    const left = attribute('text-anchor') === 'middle' ? x - width / 2 : x;
    return { text, left, right: left + width, top: y - 0.88 * size, bottom: y + 0.12 * size };
  });
}

describe('template list', () => {
  it('offers at least three templates with unique ids', () => {
    expect(POSTER_TEMPLATES.length).toBeGreaterThanOrEqual(3);
    const ids = POSTER_TEMPLATES.map((template) => template.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['sports', 'community', 'festive']);
  });

  it.each(POSTER_TEMPLATES)('names $id in Chinese', (template) => {
    expect(template.name).toMatch(/^[\u4e00-\u9fff]{2,8}$/);
    expect(template.description).toMatch(/[\u4e00-\u9fff]/);
  });

  it('finds a template by id and nothing for an unknown id', () => {
    expect(findPosterTemplate('festive')?.name).toBe('喜庆红');
    expect(findPosterTemplate('Festive')).toBeUndefined();
    expect(findPosterTemplate('__proto__')).toBeUndefined();
  });
});

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });

  it('removes characters that no escape makes valid', () => {
    expect(escapeXml('篮\u0001球\uFFFF')).toBe('篮球');
  });
});

describe.each(POSTER_TEMPLATES)('template $id', (template) => {
  it('draws the title as text, escaped', () => {
    const title = '</text><script>alert(1)</script>&社区篮球赛"\'';
    const svg = template.render({ title, organisers: ['主办单位：<徐汇区>'] });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;');
    expect(svg).toContain('&amp;');
    const drawn = drawnTexts(svg)
      .map((item) => item.text)
      .join('');
    expect(drawn).toContain(title);
    expect(drawn).toContain('主办单位：<徐汇区>');
    // resvg rejects a document that is not well-formed XML.
    expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow();
  });

  it('parses as a poster-sized SVG', () => {
    const resvg = new Resvg(template.render(LONG_CONTENT), {
      font: { fontFiles: posterFontFiles(), loadSystemFonts: false },
    });
    expect(resvg.width).toBe(POSTER_WIDTH);
    expect(resvg.height).toBe(POSTER_HEIGHT);
  });

  it('keeps every line of a long poster inside the page, without overlaps', () => {
    const texts = drawnTexts(template.render(LONG_CONTENT));
    const all = texts.map((item) => item.text).join('');
    for (const part of ['2027年上海市民', '嘉年华', '主办单位', '支持单位', '2027年5月1日']) {
      expect(all, part).toContain(part);
    }
    for (const item of texts) {
      expect(item.left, item.text).toBeGreaterThanOrEqual(48);
      expect(item.right, item.text).toBeLessThanOrEqual(POSTER_WIDTH - 48);
      expect(item.top, item.text).toBeGreaterThanOrEqual(48);
      expect(item.bottom, item.text).toBeLessThanOrEqual(POSTER_HEIGHT - 48);
    }
    const byTop = [...texts].sort((a, b) => a.top - b.top);
    for (let index = 1; index < byTop.length; index += 1) {
      const above = byTop[index - 1]!;
      const below = byTop[index]!;
      const sideBySide = below.left >= above.right || below.right <= above.left;
      if (!sideBySide)
        expect(below.top, `${above.text} / ${below.text}`).toBeGreaterThanOrEqual(above.bottom);
    }
  });

  it('cuts an overlong title with an ellipsis', () => {
    const svg = template.render({ ...LONG_CONTENT, title: LONG_TITLE.repeat(3) });
    expect(svg).toContain('…');
  });

  it('draws only characters the font has', async () => {
    const svg = template.render({ ...LONG_CONTENT, title: LONG_TITLE.repeat(3) });
    const drawn = drawnTexts(svg)
      .map((item) => item.text)
      .join('');
    expect(missingCharacters(drawn, await posterFontCoverage())).toEqual([]);
  });

  it('leaves out the date and venue when they are missing', () => {
    const svg = template.render({ title: '社区趣味运动会', organisers: ['主办单位：徐家汇街道'] });
    const texts = drawnTexts(svg).map((item) => item.text);
    expect(texts.join('')).toContain('社区趣味运动会');
    expect(texts).toContain('主办单位：徐家汇街道');
    expect(texts.some((text) => text.includes('undefined'))).toBe(false);
    expect(svg).not.toContain('NaN');
  });
});

describe('PosterRenderer', () => {
  const request = { templateId: 'community', width: 216, ...LONG_CONTENT };

  it('draws each poster once and then serves it from the cache', async () => {
    const renderer = new PosterRenderer({
      maxEntries: 4,
      maxBytes: 8 * 1024 * 1024,
      maxConcurrent: 2,
    });
    const first = await renderer.render(request);
    const again = await renderer.render({ ...request, title: ` ${LONG_TITLE}  ` });
    expect(renderer.renderCount).toBe(1);
    expect(again.equals(first)).toBe(true);

    await renderer.render({ ...request, width: 270 });
    expect(renderer.renderCount).toBe(2);
  });

  it('shares one drawing between concurrent requests', async () => {
    const renderer = new PosterRenderer({
      maxEntries: 4,
      maxBytes: 8 * 1024 * 1024,
      maxConcurrent: 2,
    });
    const [first, second] = await Promise.all([renderer.render(request), renderer.render(request)]);
    expect(renderer.renderCount).toBe(1);
    expect(second!.equals(first!)).toBe(true);
  });

  it('evicts the least recently used poster', async () => {
    const renderer = new PosterRenderer({
      maxEntries: 2,
      maxBytes: 8 * 1024 * 1024,
      maxConcurrent: 2,
    });
    await renderer.render({ ...request, templateId: 'sports' });
    await renderer.render({ ...request, templateId: 'community' });
    await renderer.render({ ...request, templateId: 'festive' });
    await renderer.render({ ...request, templateId: 'festive' });
    expect(renderer.renderCount).toBe(3);
    await renderer.render({ ...request, templateId: 'sports' });
    expect(renderer.renderCount).toBe(4);
  });

  it('limits how many renderings run at once', async () => {
    const renderer = new PosterRenderer({
      maxEntries: 8,
      maxBytes: 8 * 1024 * 1024,
      maxConcurrent: 2,
    });
    const widths = [120, 140, 160, 180, 200];
    const pngs = await Promise.all(widths.map((width) => renderer.render({ ...request, width })));
    expect(renderer.renderCount).toBe(5);
    expect(renderer.peakConcurrency).toBe(2);
    expect(pngs.map((png) => png.readUInt32BE(16))).toEqual(widths);
  });

  it('rejects text the font cannot draw', async () => {
    const renderer = new PosterRenderer({ maxEntries: 2, maxBytes: 1024, maxConcurrent: 2 });
    const rejection = renderer.render({
      ...request,
      title: '篮球🏀挑战赛',
      organisers: ['主办单位：徐汇区体育局', '承办单位：𠀋'],
    });
    await expect(rejection).rejects.toMatchObject({
      code: 'POSTER_TEXT_UNSUPPORTED',
      statusCode: 400,
      fieldErrors: [
        { field: 'title', code: 'unsupported_character', message: expect.stringContaining('🏀') },
        {
          field: 'organisers.1',
          code: 'unsupported_character',
          message: expect.stringContaining('𠀋'),
        },
      ],
    });
    expect(renderer.renderCount).toBe(0);
  });

  it('rejects an unknown template', async () => {
    const renderer = new PosterRenderer({ maxEntries: 2, maxBytes: 1024, maxConcurrent: 2 });
    await expect(renderer.render({ ...request, templateId: 'neon' })).rejects.toMatchObject({
      code: 'POSTER_TEMPLATE_UNKNOWN',
      statusCode: 400,
    });
    expect(() => renderPosterSvg({ ...request, templateId: 'neon' })).toThrow(/neon/);
    expect(renderer.renderCount).toBe(0);
  });
});
