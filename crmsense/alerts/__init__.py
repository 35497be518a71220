"""Alerts and playbooks: tiered, de-duplicated, budgeted alerts with owners, due times,
evidence, feedback and outcome measurement.

- :mod:`~crmsense.alerts.config`: the playbook file (``default_playbook.toml``);
- :mod:`~crmsense.alerts.conditions`: registered condition handlers;
- :mod:`~crmsense.alerts.facts`: what rules read, built from the database (signal
  snapshots through :mod:`~crmsense.alerts.signalfacts`);
- :mod:`~crmsense.alerts.engine`: evaluation, de-duplication, cooldowns, budgets;
- :mod:`~crmsense.alerts.lifecycle`: assignees, states and transitions;
- :mod:`~crmsense.alerts.views`: the alert JSON shape and listings;
- :mod:`~crmsense.alerts.metrics`: SLA, precision, recovery outcomes, feedback export;
- :mod:`~crmsense.alerts.actions`: delivery sinks and the outbox.
"""
