"""bot/features/witness: witness statements for a learner's deeds (issue 19).

When a learner saves a done deed their supervisor is asked, through the outbox, whether
they saw it: one tap (I saw it / I can confirm it / I can't say), then an optional
sentence. The learner may ask a colleague too ("Someone else saw it"). Only the person
asked may answer, once; their card changes in place.

- card: the witness's card, the learner's note and the colleague picker
- flow: asking after a save, the taps, the sentence, and the routes
"""
