"""Message analysis: engines, the analyzer that assembles every field, evaluation."""
