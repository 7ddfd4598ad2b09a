import { useId, useState, type FormEvent } from 'react';
import { addReading } from '../../../sync';
import { whenText } from './format';
import type { JobPartProps } from './types';

const COMMON_UNITS = ['V', 'A', 'kW', 'kWh', 'bar', 'psi', '°C', 'm', 'mm', 'l', 'm³', '%', 'ppm', 'Ω'];

export function Readings({ job, device, save, busy }: JobPartProps) {
  const [label, setLabel] = useState('');
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const ids = useId();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const number = Number(value.replace(',', '.'));
    if (!label.trim()) return setProblem('Say what was measured (for example "Supply voltage").');
    if (value.trim() === '' || !Number.isFinite(number)) return setProblem('The value must be a number, like 230 or 4.5.');
    setProblem(null);
    if (await save((j) => addReading(j, { label: label.trim(), value: number, unit: unit.trim() }, device.writer))) {
      setLabel('');
      setValue('');
    }
  }

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Readings</h2>
      {job.readings.length === 0 && <p className="hint">No readings yet.</p>}
      <table className="readings">
        <tbody>
          {job.readings.map((r) => (
            <tr key={r.id}>
              <th scope="row" dir="auto">{r.label}</th>
              <td>
                {r.value} {r.unit}
              </td>
              <td className="muted small">
                {r.by} · {whenText(r.at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="form reading-form" onSubmit={(e) => void add(e)}>
        <div className="field">
          <label htmlFor={`${ids}-label`}>What</label>
          <input id={`${ids}-label`} value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-value`}>Value</label>
          <input id={`${ids}-value`} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-unit`}>Unit</label>
          <input id={`${ids}-unit`} list={`${ids}-units`} value={unit} maxLength={20} onChange={(e) => setUnit(e.target.value)} />
          <datalist id={`${ids}-units`}>
            {COMMON_UNITS.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </div>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="button small" aria-disabled={busy}>
          Save reading
        </button>
      </form>
    </section>
  );
}
