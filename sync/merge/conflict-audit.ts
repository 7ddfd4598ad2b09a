/**
 * mergeConflictAudit — rule: an audit entry is written once, so two versions of one entry only arise when two
 * devices write the same id. Nothing in an audit log may be lost: `revisions` and `decidedFields` become the sorted
 * union of all leaves; `docId`, `handler` and `device` are per-field last-writer-wins on `clock`. A pure function of
 * the set of leaves (fields.ts).
 */
import type { ConflictDoc } from '../docs';
import { mergeFields } from './fields';
import type { MergeHandler } from './types';

export const mergeConflictAudit: MergeHandler<ConflictDoc> = (leaves) =>
  mergeFields(leaves, { type: 'conflict', stringSets: ['revisions', 'decidedFields'] });
