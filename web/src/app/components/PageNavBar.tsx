import { useLocation, useNavigate } from 'react-router-dom';

/**
 * Renders the top bar of an inner page. Back returns to the previous page, or to the home
 * page when the page was opened directly from a link.
 */
export function PageNavBar({ title }: { title: string }) {
  const navigate = useNavigate();
  const location = useLocation();
  const goBack = () => {
    if (location.key === 'default') navigate('/', { replace: true });
    else navigate(-1);
  };

  // A plain bar instead of antd-mobile's NavBar, whose back control is a div with
  // role="button" that a keyboard cannot focus.
  return (
    <header className="page-nav">
      <div className="page-nav-side">
        <button type="button" className="nav-back" onClick={goBack}>
          <BackIcon />
          返回
        </button>
      </div>
      <span className="page-nav-title">{title}</span>
      <div className="page-nav-side" aria-hidden="true" />
    </header>
  );
}

function BackIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
      <path d="M13 3 6 10l7 7" fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}
