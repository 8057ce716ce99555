"""bot/features/approvals: feasibility requests (P6-P9), an idea beyond someone's authority,
decided in one click.

Decisions are conditional updates (first writer wins, the second is told who decided);
everything sent to someone other than the clicker goes through the outbox in the same
transaction as the change it reports.

- request: an idea is saved, and routed to an approver if it needs one
- card: the supervisor's card, sent and kept up to date everywhere
- access: the request a click names, and whether this person may act on it now
- notes: the one-field forms for a reason, a question, an answer
- decision: approve and decline; question: ask for more info, and its answer
- waiting: what waits on me; escalation: reminding and escalating requests left waiting
- reminders: the approval-reminders job; flow: the feature's routes
"""
