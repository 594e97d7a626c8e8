/**
 * Approximate centres (WGS 84 latitude and longitude, the frame browsers report) of
 * Shanghai's 16 districts, taken near each district government's seat. They map a located
 * phone to the district whose centre is nearest, which is right for most of a district but
 * can pick a neighbour near a border.
 */
export const DISTRICT_CENTRES: readonly { code: string; latitude: number; longitude: number }[] = [
  { code: '310101', latitude: 31.2317, longitude: 121.4846 },
  { code: '310104', latitude: 31.1885, longitude: 121.4365 },
  { code: '310105', latitude: 31.2204, longitude: 121.4244 },
  { code: '310106', latitude: 31.2464, longitude: 121.4556 },
  { code: '310107', latitude: 31.2494, longitude: 121.3954 },
  { code: '310109', latitude: 31.2646, longitude: 121.505 },
  { code: '310110', latitude: 31.2595, longitude: 121.526 },
  { code: '310112', latitude: 31.1128, longitude: 121.3817 },
  { code: '310113', latitude: 31.4053, longitude: 121.4894 },
  { code: '310114', latitude: 31.3747, longitude: 121.2656 },
  { code: '310115', latitude: 31.2215, longitude: 121.5447 },
  { code: '310116', latitude: 30.7419, longitude: 121.3416 },
  { code: '310117', latitude: 31.0323, longitude: 121.2277 },
  { code: '310118', latitude: 31.1508, longitude: 121.124 },
  { code: '310120', latitude: 30.918, longitude: 121.4741 },
  { code: '310151', latitude: 31.6229, longitude: 121.3974 },
];

/** Farthest a position may lie from the nearest centre and still count as in the city, in km. */
export const LOCATE_MAX_DISTANCE_KM = 40;

const EARTH_RADIUS_KM = 6371;

/** Returns the great-circle distance between two positions in kilometres (haversine). */
export function distanceKm(
  from: { latitude: number; longitude: number },
  to: { latitude: number; longitude: number },
): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(to.latitude - from.latitude);
  const dLon = radians(to.longitude - from.longitude);
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(from.latitude)) * Math.cos(radians(to.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a));
}

/**
 * Returns the code of the district whose centre is nearest to a position, or null when the
 * position is farther than LOCATE_MAX_DISTANCE_KM from every centre (outside Shanghai).
 */
export function nearestDistrict(position: { latitude: number; longitude: number }): string | null {
  let best: { code: string; distance: number } | null = null;
  for (const centre of DISTRICT_CENTRES) {
    const distance = distanceKm(position, centre);
    if (!best || distance < best.distance) best = { code: centre.code, distance };
  }
  return best && best.distance <= LOCATE_MAX_DISTANCE_KM ? best.code : null;
}
