import { Form, Select } from 'antd';
import { useChildDivisions, useDistricts } from '../queries';
import type { FilingFormValues } from './filing-values';

interface PlaceSelectProps {
  /** The id Form.Item gives its control, which the label points to. */
  id?: string;
  which: 'district' | 'street' | 'community';
  /** The district and street a filer is bound to, if any. */
  area: { districtCode?: string; streetCode?: string };
  locked: boolean;
  onChanged: () => void;
  value?: string;
  onChange?: (value: string | undefined) => void;
}

/**
 * Renders one level of the place an event is held in: the district, the street in it, or the
 * neighbourhood committee in that street. Choosing a level clears the levels below it.
 */
export function PlaceSelect(props: PlaceSelectProps) {
  const { id, which, area, locked, onChanged, value, onChange } = props;
  const form = Form.useFormInstance<FilingFormValues>();
  const district = Form.useWatch('district', form);
  const street = Form.useWatch('street', form);
  const districts = useDistricts();
  let parent: string | undefined;
  if (which === 'street') parent = district;
  if (which === 'community') parent = street;
  const children = useChildDivisions(parent);

  let options: { value: string; label: string }[];
  if (which === 'district') {
    options = (districts.data ?? [])
      .filter((d) => !area.districtCode || d.code === area.districtCode)
      .map((d) => ({ value: d.code, label: d.name }));
  } else {
    options = (children.data ?? [])
      .filter((d) => d.level === which)
      .filter((d) => which !== 'street' || !area.streetCode || d.code === area.streetCode)
      .map((d) => ({ value: d.code, label: d.name }));
  }

  const below: (keyof FilingFormValues)[] =
    which === 'district' ? ['street', 'community'] : which === 'street' ? ['community'] : [];
  let placeholder = '请选择';
  if (which === 'street' && !district) placeholder = '请先选择所在区';
  if (which === 'community' && !street) placeholder = '请先选择所在街镇';

  return (
    <Select
      id={id}
      value={value}
      showSearch={{ optionFilterProp: 'label' }}
      allowClear={which !== 'district'}
      disabled={locked || (which !== 'district' && !parent)}
      loading={which === 'district' ? districts.isPending : Boolean(parent) && children.isPending}
      placeholder={placeholder}
      options={options}
      onChange={(next: string | undefined) => {
        onChange?.(next);
        for (const field of below) form.setFieldValue(field, undefined);
        if (below.length > 0) onChanged();
      }}
    />
  );
}
