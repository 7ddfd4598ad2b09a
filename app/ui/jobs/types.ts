import type { JobDoc } from '../../../sync';
import type { Device } from '../../device/device';

/** What every part of the job screen gets: the job as stored now, the device, and a save that keeps input on failure. */
export interface JobPartProps {
  readonly job: JobDoc;
  readonly device: Device;
  readonly save: (edit: (job: JobDoc) => JobDoc) => Promise<boolean>;
  readonly busy: boolean;
}
