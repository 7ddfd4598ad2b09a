/*
 * Documents with open conflicts: every doc that still has losing leaf revisions (`_conflicts`), keyed by
 * [type, id], the value the number of losing leaves. With reduce (_count) it answers "how many documents are
 * conflicted" in one request; `couch status` and its Prometheus metric read it. CouchDB passes `_conflicts` to
 * map functions (and PouchDB's map/reduce too), so no query option is needed.
 */
(function (doc) {
  if (doc._conflicts && doc._conflicts.length > 0) emit([doc.type || null, doc._id], doc._conflicts.length);
})
