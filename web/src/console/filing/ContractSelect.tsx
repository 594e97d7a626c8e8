import { EVENT_LEVEL_LABELS, SECTION_LABELS } from '@cityleague/domain';
import { Select, Typography } from 'antd';
import type { Contract } from '../types';

/** Returns the terms of a contract that a filing takes: year, level, section and sport. */
export function contractTerms(contract: Contract): string {
  const level = EVENT_LEVEL_LABELS[contract.level];
  const place = contract.districtName ? ` ${contract.districtName}` : '';
  return `${contract.year} 年度 · ${level}${place} · ${SECTION_LABELS[contract.section]} · ${contract.sportName}`;
}

interface ContractSelectProps {
  /** The id Form.Item gives its control, which the label points to. */
  id?: string;
  contracts: Contract[] | undefined;
  loading: boolean;
  value?: string;
  onChange?: (value: string) => void;
  onPick: (contract: Contract) => void;
}

/** Renders a contractor's choice among its own contracts, each with the terms it fixes. */
export function ContractSelect({
  id,
  contracts,
  loading,
  value,
  onChange,
  onPick,
}: ContractSelectProps) {
  return (
    <Select
      id={id}
      value={value}
      showSearch={{ optionFilterProp: 'label' }}
      loading={loading}
      placeholder="请选择本单位的中标合同"
      options={(contracts ?? []).map((c) => ({
        value: c.id,
        label: `${c.eventName}（${contractTerms(c)}）`,
        name: c.eventName,
        terms: contractTerms(c),
      }))}
      // Two lines per option, wrapped, so that a phone shows the whole name.
      optionRender={(option) => (
        <div style={{ whiteSpace: 'normal' }}>
          <div>{option.data.name}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {option.data.terms}
          </Typography.Text>
        </div>
      )}
      onChange={(id: string) => {
        onChange?.(id);
        const contract = contracts?.find((c) => c.id === id);
        if (contract) onPick(contract);
      }}
    />
  );
}
