"""Signals the activities app sends to the apps above it, which it does not import."""

from django.dispatch import Signal

# A learner was checked in at a session: sent by `checkin.checkin_record` inside its
# transaction, with the learner's registration locked, once the Attendance row is written.
# Arguments: `attendance` and `now`. Receivers write in that same transaction (the passport
# credits the learning hours and may complete the activity), and an error in one undoes the
# check-in: it is sent with `send`, never `send_robust`.
attendance_recorded = Signal()
