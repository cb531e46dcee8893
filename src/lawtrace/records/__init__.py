"""Written records (文书、笔录) of a case: kinds and required fields from the rulebook; append-only."""
