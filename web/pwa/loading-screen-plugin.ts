import type { Plugin } from 'vite';

const STYLESHEET = /\s*<link rel="stylesheet"[^>]*>/g;

/**
 * Moves the stylesheet links of one page from its head to the end of its body. A stylesheet in
 * the head keeps the browser from painting anything until it arrives, while one in the body
 * holds back only what follows it, so the inline-styled loading screen in #root paints as soon
 * as the HTML has arrived. The module scripts still run after the stylesheets have loaded.
 */
export function stylesheetsAfterLoadingScreen(htmlPath: string): Plugin {
  return {
    name: 'stylesheets-after-loading-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (context.filename !== htmlPath) return html;
        const links = html.match(STYLESHEET) ?? [];
        if (links.length === 0) return html;
        const withoutLinks = html.replace(STYLESHEET, '');
        return withoutLinks.replace('</body>', `${links.join('')}\n  </body>`);
      },
    },
  };
}
