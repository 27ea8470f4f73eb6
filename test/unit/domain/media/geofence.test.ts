import { describe, expect, it } from 'vitest';
import { checkGeofence, distanceMetres } from '../../../../shared/domain/media/geofence';

describe('distanceMetres', () => {
  it('matches known great-circle distances', () => {
    // Paris (Notre-Dame) to London (Trafalgar Square): about 343.9 km.
    expect(distanceMetres({ lat: 48.853, lon: 2.3499 }, { lat: 51.508, lon: -0.128 }) / 1000).toBeCloseTo(343.9, 0);
    // One degree of latitude is about 111.2 km anywhere.
    expect(distanceMetres({ lat: 10, lon: 77 }, { lat: 11, lon: 77 })).toBeCloseTo(111_195, -2);
    expect(distanceMetres({ lat: 5, lon: 5 }, { lat: 5, lon: 5 })).toBe(0);
    // Across the antimeridian the short way round.
    expect(distanceMetres({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 })).toBeCloseTo(22_239, -2);
  });
});

describe('checkGeofence', () => {
  const centre = { lat: 52.52, lon: 13.405 };
  it('a circle holds points within its radius and reports the distance', () => {
    const near = checkGeofence({ type: 'circle', centre, radiusMetres: 200 }, { lat: 52.5209, lon: 13.405 });
    expect(near.inside).toBe(true);
    expect(near.distanceMetres).toBeGreaterThan(90);
    expect(near.distanceMetres).toBeLessThan(110);
    const far = checkGeofence({ type: 'circle', centre, radiusMetres: 200 }, { lat: 52.53, lon: 13.405 });
    expect(far).toMatchObject({ inside: false });
    expect(far.distanceMetres).toBeGreaterThan(1_000);
  });

  it('a box holds points between its edges, also across the antimeridian', () => {
    const box = { type: 'box', south: 52.4, west: 13.2, north: 52.6, east: 13.6 } as const;
    expect(checkGeofence(box, { lat: 52.5, lon: 13.4 }).inside).toBe(true);
    expect(checkGeofence(box, { lat: 52.7, lon: 13.4 }).inside).toBe(false);
    expect(checkGeofence(box, { lat: 52.5, lon: 13.7 }).inside).toBe(false);
    const fiji = { type: 'box', south: -20, west: 177, north: -15, east: -178 } as const;
    expect(checkGeofence(fiji, { lat: -18, lon: 179 }).inside).toBe(true);
    expect(checkGeofence(fiji, { lat: -18, lon: -179 }).inside).toBe(true);
    expect(checkGeofence(fiji, { lat: -18, lon: 170 }).inside).toBe(false);
  });
});
