import { describe, expect, it } from 'vitest';

import { DISTRICT_CENTRES, distanceKm, nearestDistrict } from './locate.js';

describe('nearestDistrict', () => {
  it.each([
    ['Xujiahui', 31.1955, 121.4376, '310104'],
    ['Century Park', 31.2185, 121.5515, '310115'],
    ['Zhangjiang', 31.2035, 121.5905, '310115'],
    ['Songjiang old town', 31.0089, 121.2234, '310117'],
    ['Chongming Chengqiao', 31.6228, 121.3972, '310151'],
    ['Jinshan Shihua', 30.7245, 121.3415, '310116'],
  ])('maps %s to its district', (_place, latitude, longitude, code) => {
    expect(nearestDistrict({ latitude, longitude })).toBe(code);
  });

  it('maps every centre to its own district', () => {
    for (const centre of DISTRICT_CENTRES) expect(nearestDistrict(centre)).toBe(centre.code);
  });

  it('rejects positions outside the city', () => {
    expect(nearestDistrict({ latitude: 39.9042, longitude: 116.4074 })).toBeNull();
    expect(nearestDistrict({ latitude: 31.2989, longitude: 120.5853 })).toBeNull();
  });
});

describe('distanceKm', () => {
  it('measures one degree of latitude as about 111 km', () => {
    const distance = distanceKm({ latitude: 31, longitude: 121 }, { latitude: 32, longitude: 121 });
    expect(distance).toBeGreaterThan(110.5);
    expect(distance).toBeLessThan(111.5);
  });
});
