import { useEffect, useRef, type RefObject } from 'react';
import { useNavigationType } from 'react-router-dom';

/**
 * Scrolls the window and the big-screen container to the top when the dashboard moves to
 * another division, down or up a level, so the new level opens at its title. Back and forward
 * leave the position to the browser, which restores the one it saved in the history entry.
 */
export function useScrollToTopOnDrill(
  division: string | undefined,
  container: RefObject<HTMLElement | null>,
): void {
  const navigationType = useNavigationType();
  const shownDivision = useRef(division);

  useEffect(() => {
    if (shownDivision.current === division) return;
    shownDivision.current = division;
    if (navigationType === 'POP') return;

    window.scrollTo({ top: 0, left: 0 });
    container.current?.scrollTo({ top: 0, left: 0 });
  }, [division, navigationType, container]);
}
