/* Jobs counted by team and status (reduce: _count). Query with group_level=2 for the HQ dashboard. */
(function (doc) {
  if (doc.type === 'job') emit([doc.team, doc.status], null);
})
