"""bot/features/knowledge: knowledge questions for learners (issue 19).

One short question at a time, in plain words, for the knowledge criteria (CFACSA9 K1-K9,
CU801 4.1-4.7) with no evidence yet: weekly (the knowledge-question job) and whenever the
learner says `knowledge`. The answer is an evidence statement (kind knowledge, with the
criterion and the question); an empty answer, or Skip, moves on to another question.

- questions: which question is next, and its card and form
- flow: the command, the answer and the skip; job: the weekly question
"""
