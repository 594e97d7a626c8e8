// Invented names built from common surnames and given names; none is a real person.
const SURNAMES = [
  '张',
  '王',
  '李',
  '赵',
  '陈',
  '刘',
  '杨',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '朱',
  '马',
  '胡',
];
const GIVEN_NAMES = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '婷',
  '强',
  '丽',
  '晨',
];

/** Returns the n-th invented person: a name and a mobile number in the 139 0000 range. */
export function demoPerson(n: number): { name: string; phone: string } {
  const surname = SURNAMES[n % SURNAMES.length] ?? '张';
  const given = GIVEN_NAMES[Math.floor(n / SURNAMES.length) % GIVEN_NAMES.length] ?? '伟';
  const second = n >= SURNAMES.length * GIVEN_NAMES.length ? (GIVEN_NAMES[n % 7] ?? '') : '';
  return { name: `${surname}${given}${second}`, phone: `1390000${String(n).padStart(4, '0')}` };
}
