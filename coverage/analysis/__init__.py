"""Coverage analysis: reach and blind spots, the week, visitor statistics, the Study."""
