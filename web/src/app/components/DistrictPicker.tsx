import { Button, DotLoading, Popup } from 'antd-mobile';
import { useState } from 'react';
import { errorMessage } from '../../lib/messages';
import { useDistricts } from '../queries';

const WHOLE_CITY = '全市';

/**
 * Renders a header button naming the chosen district, which opens a bottom sheet with every
 * district of the city. The empty code stands for the whole city.
 */
export function DistrictPicker({
  value,
  onChange,
}: {
  value: string;
  onChange: (districtCode: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const districts = useDistricts();
  const chosenName = districts.data?.find((d) => d.code === value)?.name ?? WHOLE_CITY;
  const options = [{ code: '', name: WHOLE_CITY }, ...(districts.data ?? [])];

  const choose = (code: string) => {
    setOpen(false);
    if (code !== value) onChange(code);
  };

  return (
    <>
      <button
        type="button"
        className="district-trigger"
        aria-haspopup="dialog"
        aria-label={`选择区域，当前为${chosenName}`}
        onClick={() => setOpen(true)}
      >
        <PinIcon />
        <span>{chosenName}</span>
        <span className="district-trigger-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      <Popup
        visible={open}
        onMaskClick={() => setOpen(false)}
        onClose={() => setOpen(false)}
        bodyClassName="sheet"
      >
        <div role="dialog" aria-modal="true" aria-labelledby="district-sheet-title">
          <div className="sheet-head">
            <span className="sheet-title" id="district-sheet-title">
              选择区域
            </span>
            <button type="button" className="sheet-close" onClick={() => setOpen(false)}>
              关闭
            </button>
          </div>
          {districts.isPending && (
            <div className="sheet-state">
              加载中
              <DotLoading />
            </div>
          )}
          {districts.isError && (
            <div className="sheet-state">
              <p>{errorMessage(districts.error)}</p>
              <Button color="primary" onClick={() => void districts.refetch()}>
                重新加载
              </Button>
            </div>
          )}
          {districts.isSuccess && (
            <div className="district-grid">
              {options.map((district) => (
                <button
                  key={district.code || 'city'}
                  type="button"
                  className={district.code === value ? 'district-option active' : 'district-option'}
                  aria-pressed={district.code === value}
                  onClick={() => choose(district.code)}
                >
                  {district.name}
                </button>
              ))}
            </div>
          )}
        </div>
      </Popup>
    </>
  );
}

function PinIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M8 1.5a5 5 0 0 0-5 5c0 3.6 5 8 5 8s5-4.4 5-8a5 5 0 0 0-5-5Zm0 6.8a1.8 1.8 0 1 1 0-3.6 1.8 1.8 0 0 1 0 3.6Z"
        fill="currentColor"
      />
    </svg>
  );
}
