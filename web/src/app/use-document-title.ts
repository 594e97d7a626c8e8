import { useEffect } from 'react';

const APP_TITLE = '城市业余联赛';

/** Sets the browser tab title to "page - 城市业余联赛", or the app name alone. */
export function useDocumentTitle(page?: string): void {
  useEffect(() => {
    document.title = page ? `${page} - ${APP_TITLE}` : APP_TITLE;
  }, [page]);
}
