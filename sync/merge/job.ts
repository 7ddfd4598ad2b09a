/**
 * mergeJob — rule: a job's leaves merge field by field (fields.ts): scalars by per-field last-writer-wins on
 * `clock`; `checklist`, `notes`, `readings` and `photos` as the union by item id, the later `at` winning per item;
 * `status` by the later `clock.status`, except that `done` is never undone by a concurrent edit and `cancelled` by a
 * lead/HQ beats everything (status.ts, which explains the one deviation); `_attachments` by name; `updatedAt` and
 * `updatedBy` from the winning leaf. A pure function of the set of leaves.
 */
import type { JobDoc } from '../docs';
import { mergeFields } from './fields';
import type { MergeHandler } from './types';

export const JOB_ITEM_LISTS = ['checklist', 'notes', 'readings', 'photos'] as const;

export const mergeJob: MergeHandler<JobDoc> = (leaves) => mergeFields(leaves, { type: 'job', itemLists: JOB_ITEM_LISTS, status: true });
