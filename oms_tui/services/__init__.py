"""Business rules and transactions. No Textual here: screens and the CLI both call these."""
