import { describe, expect, it } from 'vitest';

import { fileNameTitle } from './file-names.js';

describe('fileNameTitle', () => {
  it('keeps a short title whole', () => {
    expect(fileNameTitle('徐家汇街道趣味运动会')).toBe('徐家汇街道趣味运动会');
  });

  it('replaces characters that file systems reject', () => {
    expect(fileNameTitle(' 2027/篮球 赛:决赛 ')).toBe('2027_篮球_赛_决赛');
  });

  it('cuts before a bracket that the limit would leave open', () => {
    const title =
      '2027年徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华总决赛（徐家汇体育公园主场馆东区篮球场）';
    expect(Array.from(title)).toHaveLength(51);
    expect(fileNameTitle(title)).toBe(
      '2027年徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华总决赛',
    );
  });

  it('keeps a bracket that closes before the limit', () => {
    const title =
      '徐汇区（第三届）社区三人篮球挑战赛暨青少年阳光体育嘉年华总决赛及颁奖典礼和闭幕式暨表彰大会活动';
    expect(fileNameTitle(title)).toBe(Array.from(title).slice(0, 40).join(''));
  });

  it('drops only the bracket when cutting before it loses too much', () => {
    const title =
      '【徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华总决赛及颁奖典礼和闭幕式暨表彰大会】';
    expect(fileNameTitle(title)).toBe(Array.from(title).slice(1, 40).join(''));
  });

  it('drops separators left at the end', () => {
    expect(fileNameTitle('徐汇区社区篮球赛 决赛', 9)).toBe('徐汇区社区篮球赛');
  });

  it('counts code points so an emoji is never split', () => {
    expect(fileNameTitle('🏀🏀🏀🏀', 2)).toBe('🏀🏀');
  });
});
