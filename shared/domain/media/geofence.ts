/** Where a piece of media must have been captured: within a radius of a centre, or inside a latitude/longitude box. */
export interface LatLon {
  lat: number;
  lon: number;
}

export type Geofence =
  | { type: 'circle'; centre: LatLon; radiusMetres: number }
  /** west > east means the box crosses the antimeridian. */
  | { type: 'box'; south: number; west: number; north: number; east: number };

/** Mean Earth radius (IUGG), in metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance by the haversine formula; within 0.5 % of the ellipsoid, plenty for a geofence. */
export function distanceMetres(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface GeofenceVerdict {
  inside: boolean;
  /** For a circle: how far the point is from the centre. */
  distanceMetres?: number;
}

export function checkGeofence(fence: Geofence, p: LatLon): GeofenceVerdict {
  if (fence.type === 'circle') {
    const d = distanceMetres(fence.centre, p);
    return { inside: d <= fence.radiusMetres, distanceMetres: Math.round(d) };
  }
  const latOk = p.lat >= fence.south && p.lat <= fence.north;
  const lonOk = fence.west <= fence.east ? p.lon >= fence.west && p.lon <= fence.east : p.lon >= fence.west || p.lon <= fence.east;
  return { inside: latOk && lonOk };
}
