"""Alert delivery: channels (apprise URLs), messages, and the outbox dispatcher."""
