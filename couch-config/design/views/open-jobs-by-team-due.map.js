/*
 * Unfinished jobs with a due date, by team and due date. Overdue = endkey [team, yesterday]:
 * "today" is the caller's, so the view does not depend on when it was built.
 */
(function (doc) {
  if (doc.type === 'job' && doc.due && doc.status !== 'done' && doc.status !== 'cancelled') {
    emit([doc.team, doc.due], { title: doc.title, status: doc.status, assignee: doc.assignee, priority: doc.priority });
  }
})
