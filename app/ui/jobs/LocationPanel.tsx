import { useState } from 'react';
import { updateDoc } from '../../../sync';
import type { JobPartProps } from './types';

const GEO_PROBLEMS: Record<number, string> = {
  1: 'Outpost may not use your location. Allow location for this site in the browser settings, then try again.',
  2: 'Your position could not be found. Move to open sky or turn on location services, then try again.',
  3: 'Finding your position took too long. Try again outside or near a window.',
};

/** Records where the job was done, only when the person asks and the browser allows it. */
export function LocationPanel({ job, save, busy, device }: JobPartProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const [finding, setFinding] = useState(false);

  function record() {
    if (!('geolocation' in navigator)) return setProblem('This device cannot tell its location.');
    setFinding(true);
    setProblem(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setFinding(false);
        const location = { lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: Math.round(pos.coords.accuracy) };
        void save((j) => updateDoc(j, { location }, device.writer));
      },
      (err) => {
        setFinding(false);
        setProblem(GEO_PROBLEMS[err.code] ?? 'Your position could not be found. Try again.');
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  }

  const loc = job.location;
  return (
    <section className="panel" aria-labelledby="location-title">
      <h2 id="location-title">Location</h2>
      {loc ? (
        <p data-testid="job-location">
          {loc.lat.toFixed(5)}, {loc.lon.toFixed(5)}
          {loc.accuracy !== undefined ? ` (± ${loc.accuracy} m)` : ''}{' '}
          <a href={`https://www.openstreetmap.org/?mlat=${loc.lat}&mlon=${loc.lon}#map=17/${loc.lat}/${loc.lon}`} target="_blank" rel="noreferrer">
            Map
          </a>
        </p>
      ) : (
        <p className="hint">No location recorded.</p>
      )}
      <button type="button" className="button small" onClick={record} aria-disabled={busy || finding}>
        {finding ? 'Finding your position…' : loc ? 'Update with my location' : 'Record my location'}
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
