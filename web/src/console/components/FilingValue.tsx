import { Typography } from 'antd';
import { useDistricts, useDivision } from '../queries';
import { EMPTY_VALUE, formatFilingValue } from '../review-text';

// Fields of free text that may run to pages; they show three lines with an expander.
const LONG_TEXT_FIELDS = new Set([
  'rules',
  'safetyPlan',
  'medicalCover',
  'insurance',
  'description',
]);

/**
 * Names a division by its code: a district by name, a street with its district in front
 * (徐汇区 徐家汇街道). Shows the code until the name has loaded.
 */
export function DivisionName({ code }: { code: string }) {
  const division = useDivision(code);
  const districts = useDistricts();
  if (!division.data) return <>{code}</>;
  if (division.data.level === 'district') return <>{division.data.name}</>;
  const district = districts.data?.find((item) => item.code === code.slice(0, 6));
  return <>{district ? `${district.name} ${division.data.name}` : division.data.name}</>;
}

/** Shows one filing value as the form would read it; long texts collapse to three lines. */
export function FilingValue({ field, value }: { field: string; value: unknown }) {
  if (field === 'divisionCode' && typeof value === 'string' && value !== '') {
    return <DivisionName code={value} />;
  }
  const text = formatFilingValue(field, value);
  if (text === EMPTY_VALUE) return <Typography.Text type="secondary">{text}</Typography.Text>;
  if (LONG_TEXT_FIELDS.has(field)) {
    return (
      <Typography.Paragraph
        ellipsis={{
          rows: 3,
          expandable: 'collapsible',
          symbol: (open) => (open ? '收起' : '展开'),
        }}
        style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}
      >
        {text}
      </Typography.Paragraph>
    );
  }
  return <>{text}</>;
}
