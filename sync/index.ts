/** Outpost's sync engine: the public API the app (and only the app) uses. Framework-free; see README.md. */
export { createSync, SyncController, type SyncOptions } from './controller';
export type { SyncState, SyncStateName, SyncStatus, InboxEntry, RejectedWrite } from './status';
export { browserOnlineSignal, manualOnlineSignal, realTimers, type OnlineSignal, type Timers } from './environment';
export type { Fetch } from './stall-guard';
export type { Doc, LocalDb, RemoteDb } from './db';
export { createHlc, compareStamps, type Hlc, type Stamp } from './hlc';
export {
  createJob, createSite, updateDoc, setStatus, addChecklistItem, toggleChecklistItem, addNote, addReading, addPhoto, setPhotoCaption, newId, MAX_PHOTO_BYTES,
  type JobDoc, type SiteDoc, type ConflictDoc, type DomainDoc, type JobStatus, type Role, type WriteContext,
} from './docs';
export { createHandlerRegistry, domainHandlers, forType, type HandlerRegistry, type MergeHandler, type Leaf, type Merged } from './merge';
export { classifyError, type ErrorKind } from './errors';
export { createMaintenance, Maintenance, DEFAULT_IDLE_MS, type MaintenanceOptions, type MaintenanceStatus, type MaintenanceState } from './maintenance';
export { devicePullSelector, trimLocalJobs, retentionCutoff, isExpiredJob, canPurge, DEFAULT_RETENTION_DAYS, type TrimOptions, type TrimResult } from './retention';
