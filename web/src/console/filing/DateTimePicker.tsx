import { ConfigProvider, DatePicker, Grid, type DatePickerProps, type ThemeConfig } from 'antd';
import { DATE_TIME_FORMAT } from '../time';

// antd 6's date and time panel is 401 px wide (seven 36 px day cells and two 56 px time
// columns), which is wider than a 390 px phone. Phones get narrower cells and columns, which
// make the panel 339 px wide (30 * 7 + 36 of padding + 2 * 46 + 1 of border).
const PHONE_PICKER_THEME: ThemeConfig = {
  components: { DatePicker: { cellWidth: 30, timeColumnWidth: 46 } },
};

/**
 * Renders a date and time picker whose panel fits a phone screen. On phones the input is read
 * only, so that the on-screen keyboard does not open over the panel.
 */
export function DateTimePicker(props: DatePickerProps) {
  const screens = Grid.useBreakpoint();
  const phone = screens.sm === false;
  return (
    <ConfigProvider theme={phone ? PHONE_PICKER_THEME : undefined}>
      <DatePicker
        showTime={{ format: 'HH:mm', minuteStep: 5 }}
        format={DATE_TIME_FORMAT}
        style={{ width: '100%' }}
        placeholder="请选择日期和时间"
        inputReadOnly={phone}
        {...props}
      />
    </ConfigProvider>
  );
}
