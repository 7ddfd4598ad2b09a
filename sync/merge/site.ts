/**
 * mergeSite — rule: every field of a site (`name`, `address`, `geo`, `contact`, and any field added later) is
 * per-field last-writer-wins on `clock`; `contact` and `geo` are single values, never mixed across leaves (a phone
 * number from one branch with an e-mail from another would describe nobody). `updatedAt`/`updatedBy` from the
 * winning leaf. A pure function of the set of leaves (fields.ts).
 */
import type { SiteDoc } from '../docs';
import { mergeFields } from './fields';
import type { MergeHandler } from './types';

export const mergeSite: MergeHandler<SiteDoc> = (leaves) => mergeFields(leaves, { type: 'site' });
