"""Reading and checking what people typed into Parley's modals: typed results, or errors keyed by
block for Slack to show inline."""
