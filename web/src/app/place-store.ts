import { nearestDistrict } from '@cityleague/domain';
import { useCallback, useEffect, useState } from 'react';

/** Scope of recommendations: the phone's position, or the citizen's own district. */
export type PlaceMode = 'near' | 'mine';

/** The place choice remembered on this device; an empty code stands for the whole city. */
export interface PlaceChoice {
  mode: PlaceMode;
  /** District the phone was last located in. */
  nearDistrict: string;
  /** District the citizen chose as their own. */
  myDistrict: string;
}

const STORAGE_KEY = 'cityleague.place';
const DISTRICT_CODE = /^[0-9]{6}$/;
const EMPTY: PlaceChoice = { mode: 'mine', nearDistrict: '', myDistrict: '' };

function districtOrEmpty(value: unknown): string {
  return typeof value === 'string' && DISTRICT_CODE.test(value) ? value : '';
}

export function loadPlace(): PlaceChoice {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, unknown>;
    return {
      mode: stored.mode === 'near' ? 'near' : 'mine',
      nearDistrict: districtOrEmpty(stored.nearDistrict),
      myDistrict: districtOrEmpty(stored.myDistrict),
    };
  } catch {
    return EMPTY;
  }
}

function savePlace(choice: PlaceChoice): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
  } catch {
    // NOTE: a full or disabled storage only loses the choice after a reload.
  }
}

/** Returns the district the current mode points at; empty for the whole city. */
export function placeDistrict(choice: PlaceChoice): string {
  return choice.mode === 'near' ? choice.nearDistrict : choice.myDistrict;
}

/** Outcome of asking the browser for the phone's position. */
export type LocateResult = 'located' | 'outside' | 'denied' | 'unavailable';

/** Asks the browser for the phone's position and maps it to the nearest district centre. */
export function locateDistrict(): Promise<{ result: LocateResult; district: string }> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) {
      resolve({ result: 'unavailable', district: '' });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const district = nearestDistrict(position.coords);
        resolve(district ? { result: 'located', district } : { result: 'outside', district: '' });
      },
      (error) => {
        const denied = error.code === error.PERMISSION_DENIED;
        resolve({ result: denied ? 'denied' : 'unavailable', district: '' });
      },
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 10 * 60_000 },
    );
  });
}

/**
 * Keeps the place choice in state and on the device. `profileDistrict`, when the signed-in
 * citizen has one, becomes "my district" unless the citizen picked another on this device.
 */
export function usePlace(profileDistrict: string | null | undefined) {
  const [choice, setChoice] = useState<PlaceChoice>(loadPlace);

  useEffect(() => {
    if (profileDistrict && !choice.myDistrict) {
      setChoice((current) => ({ ...current, myDistrict: profileDistrict }));
    }
  }, [profileDistrict, choice.myDistrict]);

  const update = useCallback((next: Partial<PlaceChoice>) => {
    setChoice((current) => {
      const merged = { ...current, ...next };
      savePlace(merged);
      return merged;
    });
  }, []);

  return [choice, update] as const;
}
