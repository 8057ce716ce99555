"""bot/features/assessor: the assessor in chat (issue 19).

A person with `role: assessor`, or named as `assessor:` on learners, reads their
learners' portfolios (`portfolio <name>`, bot.features.portfolio), marks a criterion
(`mark <learner> <criterion> met|not yet|needs more <comment>`: the learner is told in
plain words) and asks for a piece of evidence (`request <learner> [criterion] <what>`:
the learner gets a card with an answer form; the answer is an evidence statement).
`learners` lists theirs and their marks. Everything an assessor does is audited.

- flow: the commands; requests: the evidence request's card, form and answer
"""
