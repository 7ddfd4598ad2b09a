/*
 * validate_doc_update for Outpost databases (ARCHITECTURE §3).
 * Generated per database: __OUTPOST_TEAM__ becomes the team id (a team database) or null (the hub).
 * CouchDB runs this in its own JavaScript engine: plain ES5, no imports.
 *
 * Every rejection is {forbidden: "<field>: <reason>"}. Server admins pass (replication as _admin); the
 * `outpost-replicator` role copies documents between hub and team databases and passes the per-user checks,
 * but never the team and shape checks.
 */
/* global __OUTPOST_TEAM__ */
(function (newDoc, oldDoc, userCtx) {
  var TEAM = __OUTPOST_TEAM__;
  var TEAM_ID = /^[a-z][a-z0-9-]{0,30}$/;
  var ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  var STAMP = /^\d{13,}-\d+-[A-Za-z0-9_.:-]{1,64}$/;
  var STATUSES = ['open', 'assigned', 'en_route', 'on_site', 'done', 'blocked', 'cancelled'];
  var MAX_PHOTO_BYTES = 1572864;
  var PHOTO_NAME = /^photo-[A-Za-z0-9_-]{1,64}\.(jpg|jpeg|png|webp)$/;

  var roles = userCtx.roles || [];
  function has(role) { return roles.indexOf(role) !== -1; }
  function forbid(field, reason) { throw ({ forbidden: field + ': ' + reason }); }

  if (has('_admin')) return;

  // Retention (`couch retention`, README "Operations"): a closed job past the window leaves the team database as
  // a tombstone carrying `retiredAt`, and the hub's copy gets the same `retiredAt`. Both replication selectors
  // (replications.json) exclude `retiredAt`, so that tombstone can never delete the hub's copy, and the hub never
  // sends a retired job back. Hence only the retention job may add or change `retiredAt`: a server admin (above)
  // or the `outpost-admin` role, which administers every Outpost database anyway. Anyone else who could write it
  // could delete a job from the team database while hiding the deletion from the hub.
  if (newDoc.retiredAt !== undefined && !(oldDoc && !oldDoc._deleted && oldDoc.retiredAt === newDoc.retiredAt)) {
    if ((userCtx.roles || []).indexOf('outpost-admin') === -1) forbid('retiredAt', 'only the retention job (couch retention) retires documents');
    if (typeof newDoc.retiredAt !== 'string' || !ISO_TIME.test(newDoc.retiredAt)) forbid('retiredAt', 'must be an ISO time like 2026-01-31T09:00:00.000Z');
    if (typeof newDoc.team !== 'string' || (TEAM !== null && newDoc.team !== TEAM)) forbid('team', 'a retired document keeps its team');
    return;
  }

  var replicator = has('outpost-replicator');
  var hq = has('hq');
  var team = TEAM === null ? (newDoc.team || (oldDoc && oldDoc.team)) : TEAM;
  var lead = hq || has('lead:' + team);
  function isTeamOf(doc) {
    return typeof doc.team === 'string' && TEAM_ID.test(doc.team) && (TEAM === null || doc.team === TEAM);
  }
  var member = TEAM === null ? hq : (has('team:' + TEAM) || has('lead:' + TEAM));
  if (!member && !replicator) {
    forbid('userCtx', TEAM === null ? 'only HQ can write to the hub' : 'you are not a member of team ' + TEAM);
  }

  if (newDoc._deleted) {
    // Closing a losing branch of a conflict is not deleting the document: the winning revision lives on. Any
    // member's device does it when it merges a conflict (sync/conflicts.ts). Its audit doc names the device.
    if (!replicator && !lead && newDoc.conflictResolution !== true) forbid('_deleted', 'only a lead or HQ can delete documents');
    // The hub -> team replication selects on `team`; a bare tombstone would never reach the team database.
    if (!isTeamOf(newDoc)) forbid('team', 'a deletion must keep the team (PUT {_id, _rev, _deleted: true, team}) so that it replicates');
    return;
  }

  function isString(v) { return typeof v === 'string'; }
  function isInt(v) { return typeof v === 'number' && Math.floor(v) === v; }
  function isObject(v) { return typeof v === 'object' && v !== null && !Array.isArray(v); }
  function str(field, value, max, optional) {
    if ((value === undefined || value === null) && optional) return;
    if (!isString(value)) forbid(field, 'must be a string');
    if (value.length > max) forbid(field, 'is longer than ' + max + ' characters');
  }
  function nonEmpty(field, value, max) {
    str(field, value, max);
    if (value.length === 0) forbid(field, 'must not be empty');
  }
  function base64Bytes(data) {
    var padding = data.charAt(data.length - 1) === '=' ? (data.charAt(data.length - 2) === '=' ? 2 : 1) : 0;
    return Math.floor(data.length * 3 / 4) - padding;
  }
  function time(field, value) {
    if (!isString(value) || !ISO_TIME.test(value)) forbid(field, 'must be an ISO time like 2026-01-31T09:00:00.000Z');
  }
  function num(field, value, min, max) {
    if (typeof value !== 'number' || value !== value) forbid(field, 'must be a number');
    if (value < min || value > max) forbid(field, 'must be between ' + min + ' and ' + max);
  }
  function list(field, value, max, checkItem) {
    if (!Array.isArray(value)) forbid(field, 'must be a list');
    if (value.length > max) forbid(field, 'has more than ' + max + ' items');
    var seen = {};
    for (var i = 0; i < value.length; i++) {
      var item = value[i];
      var at = field + '[' + i + ']';
      if (!isObject(item)) forbid(at, 'must be an object');
      nonEmpty(at + '.id', item.id, 64);
      if (seen[item.id]) forbid(at + '.id', 'repeats id ' + item.id);
      seen[item.id] = true;
      str(at + '.by', item.by, 100);
      time(at + '.at', item.at);
      checkItem(at, item);
    }
  }
  function geo(field, value, optional) {
    if (value === null && optional) return;
    if (!isObject(value)) forbid(field, 'must be an object with lat and lon');
    num(field + '.lat', value.lat, -90, 90);
    num(field + '.lon', value.lon, -180, 180);
    if (value.accuracy !== undefined) num(field + '.accuracy', value.accuracy, 0, 100000);
  }

  // Common to every document.
  if (!isString(newDoc.type)) forbid('type', 'is required');
  if (!isString(newDoc.team) || !TEAM_ID.test(newDoc.team)) forbid('team', 'is required: a team id');
  if (TEAM !== null && newDoc.team !== TEAM) forbid('team', 'must be "' + TEAM + '" in this database');
  if (oldDoc && !oldDoc._deleted) {
    if (oldDoc.team !== newDoc.team) forbid('team', 'cannot change');
    if (oldDoc.type !== newDoc.type) forbid('type', 'cannot change');
    if (oldDoc.createdBy !== newDoc.createdBy) forbid('createdBy', 'cannot change');
    if (oldDoc.createdAt !== newDoc.createdAt) forbid('createdAt', 'cannot change');
  }
  if (!isInt(newDoc.schema) || newDoc.schema < 1) forbid('schema', 'must be a positive integer');
  time('createdAt', newDoc.createdAt);
  nonEmpty('createdBy', newDoc.createdBy, 100);
  time('updatedAt', newDoc.updatedAt);
  nonEmpty('updatedBy', newDoc.updatedBy, 100);
  // A write names its author. The one exception is a conflict resolution, which keeps the winning revision's
  // updatedBy/updatedAt so that every device resolving the same conflict writes the same body (and revision id);
  // it claims no new authorship, and per-field authorship stays in `clock`.
  var keepsAuthor = oldDoc && !oldDoc._deleted && newDoc.updatedBy === oldDoc.updatedBy && newDoc.updatedAt === oldDoc.updatedAt;
  if (!replicator && newDoc.updatedBy !== userCtx.name && !keepsAuthor) forbid('updatedBy', 'must be your user name');
  if (!replicator && !oldDoc && newDoc.createdBy !== userCtx.name) forbid('createdBy', 'must be your user name');
  if (!isObject(newDoc.clock)) forbid('clock', 'must be an object of field stamps');
  for (var field in newDoc.clock) {
    if (!STAMP.test(newDoc.clock[field])) forbid('clock.' + field, 'must be a stamp like 1767225600000-0-device');
  }

  var attachments = newDoc._attachments || {};
  for (var name in attachments) {
    var att = attachments[name];
    if (!PHOTO_NAME.test(name)) forbid('_attachments.' + name, 'must be named photo-<id>.jpg (or .jpeg, .png, .webp)');
    if (!isString(att.content_type) || att.content_type.indexOf('image/') !== 0) forbid('_attachments.' + name, 'must be an image');
    // Measure the data itself when it is there (never trust a client's `length`); CouchDB gives stubs a length.
    var bytes = isString(att.data) ? base64Bytes(att.data) : (att.data && typeof att.data.length === 'number' ? att.data.length : (typeof att.length === 'number' ? att.length : 0));
    if (bytes > MAX_PHOTO_BYTES) forbid('_attachments.' + name, 'is larger than ' + MAX_PHOTO_BYTES + ' bytes');
  }

  if (newDoc.type === 'job') {
    nonEmpty('title', newDoc.title, 200);
    str('siteId', newDoc.siteId, 100, true);
    if (STATUSES.indexOf(newDoc.status) === -1) forbid('status', 'must be one of ' + STATUSES.join(', '));
    var wasCancelled = oldDoc && !oldDoc._deleted && oldDoc.status === 'cancelled';
    // A conflict resolution (keepsAuthor) may carry a lead's or HQ's cancellation from a losing branch.
    var carriedCancel = keepsAuthor && (newDoc.statusRole === 'lead' || newDoc.statusRole === 'hq');
    if (newDoc.status === 'cancelled' && !wasCancelled && !lead && !replicator && !carriedCancel) forbid('status', 'only a lead or HQ can cancel a job');
    if (wasCancelled && newDoc.status !== 'cancelled' && !lead && !replicator) forbid('status', 'only a lead or HQ can reopen a cancelled job');
    if (!isInt(newDoc.priority) || newDoc.priority < 1 || newDoc.priority > 4) forbid('priority', 'must be 1, 2, 3 or 4');
    str('assignee', newDoc.assignee, 100, true);
    if (newDoc.due !== null && newDoc.due !== undefined && (!isString(newDoc.due) || !DATE.test(newDoc.due))) forbid('due', 'must be a date like 2026-01-31');
    str('description', newDoc.description, 10000, true);
    list('checklist', newDoc.checklist, 200, function (at, item) {
      nonEmpty(at + '.label', item.label, 200);
      if (typeof item.done !== 'boolean') forbid(at + '.done', 'must be true or false');
    });
    list('notes', newDoc.notes, 500, function (at, item) { nonEmpty(at + '.text', item.text, 5000); });
    list('readings', newDoc.readings, 500, function (at, item) {
      nonEmpty(at + '.label', item.label, 100);
      num(at + '.value', item.value, -1e12, 1e12);
      str(at + '.unit', item.unit, 20);
    });
    list('photos', newDoc.photos, 50, function (at, item) { str(at + '.caption', item.caption, 500); });
    if (newDoc.location !== undefined) geo('location', newDoc.location, true);
  } else if (newDoc.type === 'site') {
    nonEmpty('name', newDoc.name, 200);
    str('address', newDoc.address, 500, true);
    if (newDoc.geo !== undefined) geo('geo', newDoc.geo, true);
    if (newDoc.contact !== undefined && newDoc.contact !== null) {
      if (!isObject(newDoc.contact)) forbid('contact', 'must be an object');
      str('contact.name', newDoc.contact.name, 200, true);
      str('contact.phone', newDoc.contact.phone, 50, true);
      str('contact.email', newDoc.contact.email, 200, true);
    }
  } else if (newDoc.type === 'conflict') {
    nonEmpty('docId', newDoc.docId, 200);
    if (!Array.isArray(newDoc.revisions) || newDoc.revisions.length > 100) forbid('revisions', 'must be a list of at most 100 revisions');
    for (var r = 0; r < newDoc.revisions.length; r++) str('revisions[' + r + ']', newDoc.revisions[r], 200);
    nonEmpty('handler', newDoc.handler, 100);
    nonEmpty('device', newDoc.device, 100);
    if (!Array.isArray(newDoc.decidedFields) || newDoc.decidedFields.length > 200) forbid('decidedFields', 'must be a list of field names');
  } else {
    forbid('type', 'must be job, site or conflict');
  }
})
