import { useEffect } from 'react';
import { Outlet, useMatches } from 'react-router-dom';

export const CONSOLE_TITLE = '城市业余联赛管理平台';

/** Returns the page name of a route's `handle: { title }`. */
function titleOf(handle: unknown): string | undefined {
  if (typeof handle !== 'object' || handle === null || !('title' in handle)) return undefined;
  return typeof handle.title === 'string' ? handle.title : undefined;
}

/**
 * Renders the child route and sets the tab title to "页面名 - 城市业余联赛管理平台", from the
 * deepest matched route with a title, or the platform name alone.
 */
export function DocumentTitleOutlet() {
  const matches = useMatches();
  const page = matches
    .map((match) => titleOf(match.handle))
    .filter((title) => title !== undefined)
    .at(-1);
  useEffect(() => {
    document.title = page ? `${page} - ${CONSOLE_TITLE}` : CONSOLE_TITLE;
  }, [page]);
  return <Outlet />;
}
